// Attacks — changing the input instead of the weights.
//
// Job: adversarial attacks (FGSM, PGD under an L-inf bound in pixel space) and ideal images (gradient ascent on
// the input, total variation, jitter and scale) against any classifier. It may import Engine, NN, Imaging,
// ImageTensors, Models and Augmentations.
