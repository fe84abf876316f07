namespace Bitsmith.Training;

/// <summary>How a parameter of a quantised network is trained (see <see cref="QuantizerParameters"/>).</summary>
public enum ParameterKind
{
    /// <summary>The network's own weights, biases and BatchNorm parameters.</summary>
    Weight,

    /// <summary>
    /// Quantiser parameters whose gradients carry a deliberate scale: LSQ/LSQ+ steps and offsets
    /// (<c>g = 1/sqrt(N·QP)</c>), iPQ centroids (the mean of their blocks' gradients) and EBS's
    /// strengths (the size penalty's gradient on a layer's strengths grows with its weight count,
    /// which is how the search takes bits where the weights are many). An optimiser that
    /// normalises each gradient (Adam) would cancel that scale, so these want SGD.
    /// </summary>
    GradientScaled,

    /// <summary>Quantiser parameters with no such scale: learned mixed precision's step and range.</summary>
    Search,

    /// <summary>
    /// Movement pruning's scores, hard and soft: Sanh et al. train them with Adam at their own
    /// rate (1e-2 in their code), far above the weights'. Soft movement pruning needs that rate:
    /// its threshold is on the scores' values, which must travel from 0 to past σ⁻¹(τ) in one
    /// fine-tuning. (Hard movement keeps the top scores, whose order Adam's rate does not change.)
    /// </summary>
    Score,
}
