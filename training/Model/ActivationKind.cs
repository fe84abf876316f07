namespace Bitsmith.Training.Model;

/// <summary>The elementwise activations the compiler supports.</summary>
public enum ActivationKind
{
    /// <summary><c>max(x, 0)</c>.</summary>
    ReLU,

    /// <summary><c>min(max(x, 0), 6)</c>.</summary>
    ReLU6,

    /// <summary><c>x · relu6(x + 3) / 6</c>.</summary>
    HardSwish,
}
