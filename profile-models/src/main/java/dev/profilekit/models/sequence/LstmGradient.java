package dev.profilekit.models.sequence;

/**
 * The mean squared error of an {@link LstmModel} on a batch and its gradient with respect to each parameter, in
 * the parameters' shapes (gate rows i, f, g, o).
 *
 * @param loss {@code (1/n) sum_b (prediction_b - y_b)²}
 * @param wIh  d loss / d W_ih (4H x I)
 * @param wHh  d loss / d W_hh (4H x H)
 * @param bIh  d loss / d b_ih (4H)
 * @param bHh  d loss / d b_hh (4H)
 * @param wOut d loss / d W_out (1 x H)
 * @param bOut d loss / d b_out (1)
 */
public record LstmGradient(double loss, double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[][] wOut,
                           double[] bOut) {
}
