"""Photos of listings and organisation pages: checking and re-encoding uploads, storing the files.

Seven modules, kept apart:
- `checks.py` (pure: no Flask, no database): what we accept — JPEG, PNG, WebP, HEIC, at most
  10 MB, the pixel limits of `PhotoLimits` — judged from the header alone (Pillow's `Image.open`
  is lazy), before a single pixel is decoded. Refusals are `PhotoRejected(key, …)`.
- `decoding.py` (pure): decodes what passed — JPEG at a reduced scale (libjpeg's 1/2, 1/4, 1/8),
  the others in full and shrunk before anything else is done with them — and re-encodes it as
  WebP renditions with no metadata at all (a phone's EXIF carries the farm's GPS position).
- `storage.py`: `PhotoStore` keeps the files (`FilesystemPhotoStore` in UPLOAD_DIR,
  `MemoryPhotoStore` for tests with UPLOAD_DIR=memory://), named `<key>-<size>.webp`; a key is
  never reused, so a file never changes and can be cached for a year. Files follow the
  transaction: new files are removed again if it rolls back, and the files of a deleted photo are
  removed only once the deletion is committed.
- `budget.py`: photos a user may have decoded per hour, counted in `photo_upload_claims` under a
  lock on the user's row, so that simultaneous uploads cannot pass it.
- `services.py`: what views and other services call — `add_photo`, `add_processed_photo`,
  `delete_photo`, `reorder`, `photo_audience`, the web upload (`read_uploads`, `check_uploads`,
  `decode_each`), and the app's store and limits (`init_app`, `photo_store`, `photo_limits`).
  They take the session and flush, never commit.
- `staging.py`: photos sent ahead of their listing form (issue #16), kept as `StagedPhoto` rows of
  their uploader until the form is saved (`services.attach_staged` keeps key and files) or they
  expire; `jobs.py` is the worker's job that forgets expired ones.

Decoding takes seconds, and on SQLite a POST holds the write lock from its first query to its
commit; so the web upload (`check_uploads`, then `decode_each`) claims the budget and commits
before decoding, and writes the photos in a transaction of their own afterwards (views.py).
"""
