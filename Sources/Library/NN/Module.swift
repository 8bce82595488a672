// NN — layers and training.
//
// Job: `Layer`s with named parameters (PyTorch state_dict names), convolution, BatchNorm, Dense, pooling, dropout,
// graph models, losses, optimizers, schedules, callbacks, the `Trainer`, and weight load/save for any layer. It
// may import Engine and Checkpoint (for weight files) only: nothing about pictures, datasets or models.
