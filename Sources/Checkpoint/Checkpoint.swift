// The Checkpoint module; see README.md for what it holds.
