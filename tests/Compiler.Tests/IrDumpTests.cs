using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;

namespace Bitsmith.Compiler.Tests
{
    /// <summary>The text dump of a real CNN: one line a value, shapes and types on every line, nothing elided that matters.</summary>
    public class IrDumpTests
    {
        private readonly ITestOutputHelper _output;

        public IrDumpTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void ResNet18DumpNamesEveryNodeWithItsShapes()
        {
            var graph = OnnxImporter.Load(TestFiles.ResNet18);
            Pipeline.Run(graph);
            string dump = IrPrinter.Print(graph);
            _output.WriteLine(dump);

            var lines = dump.Split('\n');
            Assert.StartsWith("graph ", lines[0]);
            Assert.Contains(lines, l => l.StartsWith("  input %") && l.Contains("f32[1,3,224,224]"));
            foreach (var node in graph.Nodes)
                Assert.Contains(lines, l => l.StartsWith("  %" + node.Outputs[0].Name + ":") && l.Contains(" = " + node.OpType + "("));
            // BatchNormalization is folded into the convolutions and Relu fused into them.
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "BatchNormalization");
            Assert.Contains(lines, l => l.Contains(" = Conv(") && l.Contains("+Relu"));
            Assert.All(lines.Where(l => l.Length > 0), l => Assert.True(l.Length < 400, "line too long to read: " + l));
        }

        [Fact]
        public void DemoModelDumpShowsQuantisedTensors()
        {
            var graph = OnnxImporter.Load(TestFiles.DemoModel);
            Pipeline.Run(graph);
            string dump = IrPrinter.Print(graph);
            _output.WriteLine(dump);
            // conv1 reads u8 activations and s8 per-channel weights; conv2 int4 weights.
            Assert.Contains("u8[1,1,28,28] q(s=0.00392157, zp=0, bits=8)", dump);
            Assert.Matches(@"const %conv1_w_q: s8\[8,1,3,3\] q\(axis=0, 8 scales", dump);
            Assert.Matches(@"const %conv2_w_q: s4\[16,8,3,3\] q\(axis=0, 16 scales", dump);
            Assert.Matches(@"%conv1: u8\[1,8,28,28\] q\(s=0\.05, zp=0, bits=8\) = Conv\(%image_q, %conv1_w_q, %conv1_b_q\)", dump);
        }
    }
}
