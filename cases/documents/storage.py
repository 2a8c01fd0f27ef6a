"""Encrypted file storage for documents, and SealedStorage for every other stored file.

Each file gets its own 256-bit data key and is encrypted with AES-256-GCM in chunks (the
STREAM construction: a random 7-byte prefix, a 4-byte chunk counter and a last-chunk flag make
each chunk's nonce, so chunks cannot be reordered, dropped or the file truncated unnoticed).
Files never sit whole in memory: encryption reads the source one chunk at a time and hands
Django's storage API a file-like object that produces ciphertext on demand; reading decrypts
one chunk at a time.

On-disk format: b"PCDOC1" | chunk size (4 bytes, big-endian) | nonce prefix (7 bytes), then
for each chunk ciphertext+16-byte tag. The header is the associated data of every chunk.

Documents use the STORAGES["documents"] alias: a local folder by default, anything Django's
storage API supports by configuration (an S3-compatible store through django-storages). The
other reserved files (letter PDFs, Board papers, exports) go through STORAGES["default"], a
SealedStorage (bottom of this module) that applies the same encryption inside Django's storage
API.
"""

import base64
import hashlib
import io
import logging
import mimetypes
import os
import posixpath
import uuid
from concurrent.futures import ThreadPoolExecutor

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction
from django.utils.module_loading import import_string

from .models import StoredFile

log = logging.getLogger(__name__)

MAGIC = b"PCDOC1"
# 256 KiB: big enough that per-chunk overhead vanishes, small enough to stay in the CPU cache
# (measured: 1 MiB chunks made AES-GCM four times slower on the benchmark machine).
CHUNK = 256 * 1024
TAG = 16
HEADER_SIZE = len(MAGIC) + 4 + 7


class CorruptFile(Exception):
    """The stored bytes do not decrypt: tampered with, truncated or the wrong key."""


def documents_storage():
    return storages["documents"]


def new_data_key():
    return AESGCM.generate_key(bit_length=256)


def wrap(key):
    """The data key as text for an EncryptedTextField (which encrypts it with the key ring)."""
    return base64.b64encode(key).decode()


def unwrap(text):
    return base64.b64decode(text)


def _nonce(prefix, index, last):
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingReader:
    """A read-only file-like object: reads plaintext from `source` one chunk at a time and
    produces ciphertext. Computes the plaintext's SHA-256 (in a helper thread, overlapping the
    encryption: hashlib releases the GIL on large updates) and size on the way."""

    def __init__(self, source, key, chunk_size=CHUNK, *, digest=True, reuse_buffer=False):
        self.source = source
        self.aead = AESGCM(key)
        self.chunk_size = chunk_size
        self.prefix = os.urandom(7)
        self.header = MAGIC + chunk_size.to_bytes(4, "big") + self.prefix
        self.sha256 = hashlib.sha256()
        self.digest = digest
        # Sealing into one reused buffer spares an allocation per chunk (measured: AES-GCM
        # twice as fast); only for consumers that write each chunk before asking for the next.
        self._out = bytearray(chunk_size + TAG) if reuse_buffer else None
        self.plain_size = 0
        self.done = False
        self._stream = self.ciphertext()
        self._buffer = bytearray()

    def ciphertext(self):
        """Header, then each sealed chunk: what the storage writes, without extra copies. One
        chunk is read ahead to know which chunk is the last."""
        yield self.header
        hasher = ThreadPoolExecutor(max_workers=1) if self.digest else None
        pending_hash = None
        try:
            current = self.source.read(self.chunk_size) or b""
            index = 0
            while True:
                following = (
                    self.source.read(self.chunk_size) or b""
                    if len(current) == self.chunk_size
                    else b""
                )
                last = not following
                if hasher is not None:
                    if pending_hash is not None:
                        pending_hash.result()  # updates must stay in order
                    pending_hash = hasher.submit(self.sha256.update, current)
                self.plain_size += len(current)
                nonce = _nonce(self.prefix, index, last)
                if self._out is None:
                    yield self.aead.encrypt(nonce, current, self.header)
                else:
                    sealed = len(current) + TAG
                    self.aead.encrypt_into(
                        nonce, current, self.header, memoryview(self._out)[:sealed]
                    )
                    yield memoryview(self._out)[:sealed]
                if last:
                    break
                current = following
                index += 1
            if pending_hash is not None:
                pending_hash.result()
            self.done = True
        finally:
            if hasher is not None:
                hasher.shutdown(wait=True)

    def read(self, size=-1):
        """For storage backends that read() rather than iterate chunks (e.g. S3 uploads)."""
        while not self.done and (size is None or size < 0 or len(self._buffer) < size):
            piece = next(self._stream, None)
            if piece is None:
                break
            self._buffer += piece
        if size is None or size < 0 or size >= len(self._buffer):
            out = bytes(self._buffer)
            self._buffer.clear()
            return out
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def seekable(self):
        return False

    def close(self):
        pass


class _CipherFile(File):
    DEFAULT_CHUNK_SIZE = CHUNK + TAG

    def seek(self, *args):
        # Storage backends rewind before reading; the stream can only be read once, from the
        # start, which is where it is.
        if args and args[0] == 0:
            return 0
        raise OSError("not seekable")

    def chunks(self, chunk_size=None):
        # FileSystemStorage writes whatever chunks() yields: hand it the sealed chunks as they
        # are made (no re-buffering into equal pieces).
        yield from self.file._stream


def store_encrypted(source, *, storage=None, chunk_size=CHUNK, digest=True, name=None):
    """Encrypt `source` (a binary file object positioned at its start) into the storage, under
    `name` (a fresh random one by default; the storage may change it to avoid overwriting).
    Returns (storage name, data key, plaintext SHA-256 hex or "" without `digest`, plaintext
    size)."""
    storage = storage or documents_storage()
    key = new_data_key()
    reader = EncryptingReader(
        source,
        key,
        chunk_size,
        digest=digest,
        reuse_buffer=isinstance(storage, FileSystemStorage),  # writes each chunk at once
    )
    name = name or f"documents/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.bin"
    stored = storage.save(name, _CipherFile(reader, name=name))
    if not reader.done:  # a backend that stopped reading early must not leave half a file
        storage.delete(stored)
        raise CorruptFile("the storage did not read the whole stream")
    return stored, key, (reader.sha256.hexdigest() if digest else ""), reader.plain_size


def open_decrypted(name, key, *, storage=None):
    """Yield the plaintext of a stored file chunk by chunk (for a streaming response)."""
    storage = storage or documents_storage()
    handle = storage.open(name, "rb")
    try:
        header = handle.read(HEADER_SIZE)
        if len(header) != HEADER_SIZE or not header.startswith(MAGIC):
            raise CorruptFile(name)
        chunk_size = int.from_bytes(header[len(MAGIC) : len(MAGIC) + 4], "big")
        prefix = header[len(MAGIC) + 4 :]
        aead = AESGCM(key)
        sealed_size = chunk_size + TAG
        current = handle.read(sealed_size)
        index = 0
        while True:
            following = handle.read(sealed_size) if len(current) == sealed_size else b""
            last = not following
            try:
                yield aead.decrypt(_nonce(prefix, index, last), current, header)
            except InvalidTag as exc:
                raise CorruptFile(name) from exc
            if last:
                return
            current = following
            index += 1
    finally:
        handle.close()


def read_decrypted(name, key, *, storage=None):
    """The whole plaintext (small files only: tests, demo checks, re-encoding)."""
    return b"".join(open_decrypted(name, key, storage=storage))


# ---------------------------------------------------------------------------------------------
# The sealed storage: every other file the system keeps (letter PDFs, Board papers, exports)


class _DecryptedStream(io.RawIOBase):
    """Plaintext of a sealed file as a read-only stream, decrypted one chunk at a time."""

    def __init__(self, chunks):
        self._chunks = chunks
        self._pending = memoryview(b"")
        self._position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._pending:
            piece = next(self._chunks, None)
            if piece is None:
                return 0
            self._pending = memoryview(piece)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self._position += count
        return count

    def tell(self):
        return self._position

    def close(self):
        if not self.closed:
            self._chunks.close()  # closes the stored file (open_decrypted's finally)
        super().close()


class _SealedFile(File):
    """An open sealed file: reads plaintext forward. Rewinding to the start, or opening it
    again once closed (what FieldFile.open() does), starts a new decrypting stream. Seeking to
    the end is allowed too, so that a FileResponse learns the plaintext size (Content-Length)
    the way it does for any file: tell() there is the size, and reading there gives nothing."""

    def __init__(self, storage, name, row):
        self._storage = storage
        self._row = row
        self._at_end = False
        super().__init__(storage._plaintext(name, row), name=name)
        self.size = row.size

    def open(self, mode="rb"):
        self.close()
        self.file = self._storage._plaintext(self.name, self._row)
        self._at_end = False
        return self

    def seekable(self):
        return True

    def tell(self):
        return self._row.size if self._at_end else self.file.tell()

    def read(self, *args):
        return b"" if self._at_end else self.file.read(*args)

    def seek(self, offset, whence=io.SEEK_SET):
        size = self._row.size
        to_end = (whence, offset) == (io.SEEK_END, 0)
        if to_end or (whence == io.SEEK_SET and offset == size and size):
            self._at_end = True
            return size
        if (whence, offset) != (io.SEEK_SET, 0):
            raise io.UnsupportedOperation("a sealed file seeks only to its start or its end")
        if self.closed or self._at_end or self.file.tell():
            self.open()
        return 0


class SealedStorage(Storage):
    """A Django storage that encrypts every file it stores, the same way as case documents:
    its own data key per file, AES-256-GCM in chunks, the data key wrapped by the key ring in a
    StoredFile row named after the file (so `rotate_field_keys` re-wraps it without rewriting
    the file). Reads decrypt as they stream; the plaintext never touches the disk.

    It wraps another storage (`backend`, `options`; the file system at MEDIA_ROOT by default)
    and keeps its names, so the models' FileFields and their names are unchanged. Files stored
    before sealing was switched on stay readable as they are until `manage.py
    seal_stored_files` encrypts them in place. Deleting a file deletes its key row as well
    (what the export purge wants: without the key nothing can be recovered). `path()` and
    `url()` are not offered: the bytes on disk are ciphertext and nothing is served directly.

    A file stored inside a transaction that is then rolled back keeps its bytes but loses its
    key row: it reads as missing (FileNotFoundError) and the seal command counts it.
    """

    def __init__(self, backend="django.core.files.storage.FileSystemStorage", options=None):
        self.inner = import_string(backend)(**(options or {}))

    # -- names: the wrapped storage decides, so they look exactly as before
    def get_valid_name(self, name):
        return self.inner.get_valid_name(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def get_created_time(self, name):
        return self.inner.get_created_time(name)

    def get_accessed_time(self, name):
        return self.inner.get_accessed_time(name)

    def url(self, name):
        raise NotImplementedError("sealed files are served only through access-checked views")

    # -- contents
    def _save(self, name, content):
        if getattr(content, "seekable", lambda: True)():
            content.seek(0)
        stored, key, sha256, size = store_encrypted(content, storage=self.inner, name=name)
        StoredFile.objects.update_or_create(
            storage_name=stored,
            defaults={
                "wrapped_key": wrap(key),
                "size": size,
                "sha256": sha256,
                "mime_type": _mime_type(stored),
            },
        )
        return stored

    def _key_row(self, name):
        return StoredFile.objects.filter(storage_name=name).first()

    def _is_sealed(self, name):
        with self.inner.open(name, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("sealed files are written once, through save()")
        if not self._is_sealed(name):
            log.warning("%s is stored unencrypted: run manage.py seal_stored_files", name)
            return self.inner.open(name, "rb")
        row = self._key_row(name)
        if row is None:
            raise FileNotFoundError(f"{name}: no key for this sealed file")
        return _SealedFile(self, name, row)

    def _plaintext(self, name, row):
        stream = _DecryptedStream(open_decrypted(name, unwrap(row.wrapped_key), storage=self.inner))
        return io.BufferedReader(stream, buffer_size=CHUNK)

    def size(self, name):
        row = self._key_row(name)
        return row.size if row is not None else self.inner.size(name)

    def delete(self, name):
        self.inner.delete(name)
        StoredFile.objects.filter(storage_name=name).delete()

    # -- files written before sealing
    def seal_in_place(self, name):
        """Encrypt `name`, stored in plaintext before sealing was on, under the same name.
        Returns "sealed", "already" (nothing to do) or "orphan" (sealed bytes with no key).
        The ciphertext is written beside the file, its key row committed, then the file is
        swapped in one rename: a crash at any point leaves a readable file, and running again
        finishes the job. Needs a file-system storage underneath (the only kind that ever held
        unsealed files)."""
        if self._is_sealed(name):
            return "already" if self._key_row(name) is not None else "orphan"
        path = self.inner.path(name)
        temporary = f"{path}{SEALING_SUFFIX}"
        key = new_data_key()
        with open(path, "rb") as source, open(temporary, "wb") as target:
            reader = EncryptingReader(source, key, reuse_buffer=True)
            for piece in reader.ciphertext():
                target.write(piece)
            target.flush()
            os.fsync(target.fileno())
        with transaction.atomic():
            StoredFile.objects.update_or_create(
                storage_name=name,
                defaults={
                    "wrapped_key": wrap(key),
                    "size": reader.plain_size,
                    "sha256": reader.sha256.hexdigest(),
                    "mime_type": _mime_type(name),
                },
            )
        os.replace(temporary, path)
        return "sealed"

    def walk(self, directory=""):
        """Every file name under `directory`, leftovers of an interrupted sealing excepted (none
        when the folder does not exist yet: nothing was ever stored)."""
        try:
            directories, files = self.inner.listdir(directory)
        except FileNotFoundError:
            return
        for file_name in sorted(files):
            if not file_name.endswith(SEALING_SUFFIX):
                yield posixpath.join(directory, file_name) if directory else file_name
        for sub in sorted(directories):
            yield from self.walk(posixpath.join(directory, sub) if directory else sub)


SEALING_SUFFIX = ".sealing"


def _mime_type(name):
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
