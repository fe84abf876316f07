using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Bitsmith.Compiler.Passes;
using Xunit;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>The fuzzer's seeds are valid: a seed that does not import would only ever yield shallow mutants.</summary>
    public class FuzzCorpusTests
    {
        [Fact]
        public void EverySeedWithSupportedOpsImportsAndRuns()
        {
            var failures = FuzzCorpus.Load()
                .Where(s => UsesOnlySupportedOps(s))
                .Select(s => (s.Name, Error: ImportAndRun(s)))
                .Where(r => r.Error != null)
                .Select(r => $"{r.Name}: {r.Error}")
                .ToList();
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }

        private static bool UsesOnlySupportedOps(SeedModel s) =>
            OnnxImporter.Parse(s.Bytes).Graph.Node.All(n => OperatorRegistry.TryGet(n.Domain, n.OpType, out _));

        private static string? ImportAndRun(SeedModel s)
        {
            try
            {
                var g = OnnxImporter.Load(s.Bytes, s.Name);
                Pipeline.Run(g);
                ReferenceInterpreter.Run(g, g.Inputs.ToDictionary(v => v.Name, v => Tensor.Zeros(v.Type, v.Shape)));
                return null;
            }
            catch (ModelException e)
            {
                return e.Message;
            }
        }
    }
}
