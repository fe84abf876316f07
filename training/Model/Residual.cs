using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>
/// A residual block: <c>y = x + body(x)</c> with an identity shortcut, or
/// <c>y = shortcut(x) + body(x)</c> with a projection shortcut (as ResNet's downsampling blocks:
/// a strided 1×1 convolution and BatchNorm). Both branches give the same shape.
/// </summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "body")]
    private QuantSequential _body;

    [TorchSharp.Utils.ComponentName(Name = "shortcut")]
    private QuantSequential? _shortcut;

    internal Residual(QuantSequential body, QuantSequential? shortcut = null) : base(nameof(Residual))
    {
        _body = body;
        _shortcut = shortcut;
        RegisterComponents();
    }

    public QuantSequential Body => _body;

    /// <summary>The projection shortcut, or null for the identity.</summary>
    public QuantSequential? Shortcut => _shortcut;

    public override Tensor forward(Tensor x) => (_shortcut is null ? x : _shortcut.forward(x)) + _body.forward(x);
}
