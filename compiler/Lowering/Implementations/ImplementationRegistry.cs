using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Lowering.Implementations.Float32;
using Bitsmith.Compiler.Lowering.Implementations.Int8;

namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>Every implementation a layer can get, by name. A new kernel is one line here.</summary>
    public static class ImplementationRegistry
    {
        /// <summary>The runtime-kernel implementations; the selector asks each whether it applies.</summary>
        public static readonly IReadOnlyList<LayerImplementation> Kernels = new LayerImplementation[]
        {
            new QConvImplementation(exact: false),
            new QConvImplementation(exact: true),
            new QDepthwiseImplementation(),
            new QDepthwiseMaskedImplementation(),
            new QDepthwiseChannelsImplementation(),
            new QConvRowsImplementation(exact: false),
            new QConvRowsImplementation(exact: true),
            new QGemvImplementation(QGemvImplementation.Form.BytePairs),
            new QGemvImplementation(QGemvImplementation.Form.WordPairs),
            new QGemvImplementation(QGemvImplementation.Form.Narrow, 4),
            new QGemvImplementation(QGemvImplementation.Form.Narrow, 2),
            new QGemvImplementation(QGemvImplementation.Form.Narrow, 1),
            new QGemvImplementation(QGemvImplementation.Form.Lookup, 1),
            new QGemvImplementation(QGemvImplementation.Form.Lookup, 2),
            new QGemvImplementation(QGemvImplementation.Form.Lookup, 3),
            new QGemvImplementation(QGemvImplementation.Form.Lookup, 4),
            new QGemvBitSerialImplementation(),
            new QConvLowBitImplementation(),
            new QConvWinogradImplementation(),
            new SgemmImplementation(),
            new CodebookGemvImplementation(),
            new SconvImplementation(),
            new Elementwise.QuantizeImplementation(),
            new Elementwise.ClipImplementation(),
            new Elementwise.ReluImplementation(),
            new Elementwise.BatchNormImplementation(),
            new Elementwise.MaxPoolImplementation(),
            new Elementwise.IntegerMaxPoolImplementation(),
            new Elementwise.GlobalAverageImplementation(),
            new Elementwise.QuantizedAddImplementation(),
        };

        /// <summary>The loop forms of the per-op emitters (the fallbacks and the oracle).</summary>
        public static readonly IReadOnlyList<LoopNestImplementation> LoopNests =
            new[] { Strategy.Generic, Strategy.Fp32, Strategy.IntegerReference, Strategy.View }.Select(s => new LoopNestImplementation(s)).ToArray();

        private static readonly Dictionary<string, LayerImplementation> ByName =
            Kernels.Concat(LoopNests).ToDictionary(i => i.Name, System.StringComparer.OrdinalIgnoreCase);

        public static IEnumerable<string> Names => ByName.Keys;

        public static LayerImplementation? Find(string name) => ByName.TryGetValue(name, out var i) ? i : null;

        public static LoopNestImplementation LoopNest(Strategy form) => LoopNests.Single(i => i.Form == form);
    }
}
