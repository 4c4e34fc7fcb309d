"""The shelves of the validation room: see ``validation.py``, its door."""
