package dev.profilekit.models.sequence;

/**
 * The forward pass of an {@link LstmModel} over a batch.
 *
 * @param hLast       the last hidden state of each sequence (batch x H)
 * @param cLast       the last cell state of each sequence (batch x H)
 * @param predictions the linear head on {@code hLast} (batch)
 */
public record LstmForward(double[][] hLast, double[][] cLast, double[] predictions) {
}
