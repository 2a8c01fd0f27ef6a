"""The demo dataset's loader (manage.py seed_demo): the cast (read from scripts/demo/cast.yaml),
the verbs a story may use, the interpreter of the story files (scripts/demo/stories/*.yaml) and
the Seeder that plays them."""
