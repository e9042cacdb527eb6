/**
 * Sequence models: a single-layer LSTM regressor ({@link dev.profilekit.models.sequence.Lstm}) with a linear head
 * on the last hidden state, trained by full backpropagation through time with Adam or SGD, optional gradient
 * clipping by global norm, mini-batches and early stopping on a validation split. Its forward pass, gradients and
 * Adam steps follow PyTorch's {@code torch.nn.LSTM}, {@code torch.nn.Linear}, {@code MSELoss} and
 * {@code torch.optim.Adam} in double precision (see the {@code lstm} conformance fixtures). The trained
 * {@link dev.profilekit.models.sequence.LstmModel} is immutable and round-trips exactly through versioned JSON.
 *
 * <p>Hochreiter and Schmidhuber, "Long short-term memory", Neural Computation 9(8), 1997; the forget-gate
 * form of Gers, Schmidhuber and Cummins, 2000; Kingma and Ba, "Adam: a method for stochastic optimization", 2015.
 */
package dev.profilekit.models.sequence;
