// gallery — `swift run gallery`.
//
// Job: draw one of every figure kind into Output/gallery/ with the code that made it, from synthetic data, so a
// change to the figures can be looked at in one page. It may import Notebook, Imaging and Randomness.
