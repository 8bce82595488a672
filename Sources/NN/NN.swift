// The NN module; see README.md for what it holds.
