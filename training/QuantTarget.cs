namespace Bitsmith.Training;

/// <summary>What a quantiser is applied to; decides <c>N</c> in LSQ's gradient scale.</summary>
public enum QuantTarget
{
    /// <summary>A layer's weight: <c>N</c> is the number of weights.</summary>
    Weights,

    /// <summary>A layer's input or output: <c>N</c> is the number of features per sample
    /// (all dimensions but the first, the batch).</summary>
    Activations,
}
