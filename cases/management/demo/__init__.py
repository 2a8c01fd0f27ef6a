"""The demo dataset's loader (manage.py seed_demo): the cast, the verbs a story may use, the
interpreter of the story files (scripts/demo/stories/*.yaml) and the Seeder that plays them."""
