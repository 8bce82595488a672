// The Engine module; see README.md for what it holds.
