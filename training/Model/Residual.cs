using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>A residual block with an identity shortcut: <c>y = x + body(x)</c>; the body keeps the shape.</summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "body")]
    private QuantSequential _body;

    internal Residual(QuantSequential body) : base(nameof(Residual))
    {
        _body = body;
        RegisterComponents();
    }

    public QuantSequential Body => _body;

    public override Tensor forward(Tensor x) => x + _body.forward(x);
}
