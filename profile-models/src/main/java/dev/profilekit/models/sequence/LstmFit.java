package dev.profilekit.models.sequence;

/**
 * The result of {@link Lstm} training.
 *
 * @param model            the trained model: the parameters of the best validation epoch when a validation split
 *                         was used, else those after the last epoch
 * @param trainLosses      per epoch run, the mean over the training samples of the squared error each had in the
 *                         step that used it (with the full batch: the loss before that epoch's one step)
 * @param validationLosses per epoch run, the validation loss after the epoch (empty without a validation split)
 * @param bestEpoch        the epoch (from 1) whose parameters the model holds
 * @param stoppedEarly     whether early stopping ended training before {@link LstmOptions#epochs()}
 */
public record LstmFit(LstmModel model, double[] trainLosses, double[] validationLosses, int bestEpoch,
                      boolean stoppedEarly) {

    /** Number of epochs run. */
    public int epochsRun() {
        return trainLosses.length;
    }
}
