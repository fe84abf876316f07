using System;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Xunit;

namespace Bitsmith.Compiler.Tests.Lowering
{
    /// <summary>Model file to plan: strategies and their reasons, overrides, weights and the per-layer report.</summary>
    public class ModelCompilerTests
    {
        [Fact]
        public void TheDemoModelCompilesToAConsistentPlan()
        {
            var model = ModelCompiler.Compile(TestFiles.DemoModel, new CompileOptions());
            var plan = model.Plan;
            var values = plan.ValuesByName();
            Assert.Equal("demo-qdq-cnn.onnx", plan.SourceFile);
            Assert.Equal(plan.Steps.Count, model.Layers.Count);
            Assert.Equal(model.Weights.Length, plan.WeightBytes);
            Assert.Equal(WeightPacker.Sha256(model.Weights), plan.WeightsSha256);
            Assert.All(plan.Values.Where(v => v.Storage == ValueStorage.Weight || v.Storage == ValueStorage.Arena), v => Assert.Equal(0, v.Offset % MemoryPlanner.Alignment));
            Assert.All(plan.Values.Where(v => v.Storage == ValueStorage.Weight), v => Assert.True(v.Offset + v.Bytes <= model.Weights.Length));
            Assert.All(plan.Values.Where(v => v.Storage == ValueStorage.Arena), v => Assert.True(v.Offset + v.Bytes <= plan.ArenaBytes));
            Assert.All(plan.Steps.SelectMany(s => s.Inputs.Concat(s.Outputs)).Where(n => n != null), n => Assert.True(values.ContainsKey(n!)));
            Assert.Equal(Strategy.View, plan.Steps.Single(s => s.Op == "Flatten").Strategy);
            Assert.Equal(ValueStorage.Output, values[plan.Outputs[0]].Storage);
        }

        [Fact]
        public void FloatConvUsesTheF32KernelAndCanBeOverriddenToTheLoops()
        {
            var graph = Conv();
            var step = ModelCompiler.Compile(graph, new CompileOptions()).Plan.Steps[0];
            Assert.Equal("sconv_f32_8x32", step.Implementation);
            Assert.Contains("f32 conv as im2col blocks", step.Reason);
            Assert.Contains("estimated", step.Reason);
            // One block of all 4x4 output pixels, padded to a 32-column panel, for each of the 27 taps.
            Assert.Equal(4 * 27 * 32, step.WorkspaceBytes);
            Assert.Equal(new[] { "biases" }, step.Packed.Select(p => p.Name));

            var options = new CompileOptions();
            options.StrategyOverrides["conv"] = "Fp32";
            step = ModelCompiler.Compile(graph, options).Plan.Steps[0];
            Assert.Equal(Strategy.Fp32, step.Strategy);
            Assert.Contains("vectorised f32 kernel", step.Reason);
            Assert.Equal(4 * 3 * 9, step.WorkspaceBytes);

            options.StrategyOverrides["conv"] = "generic";
            step = ModelCompiler.Compile(graph, options).Plan.Steps[0];
            Assert.Equal(Strategy.Generic, step.Strategy);
            Assert.StartsWith("override: ", step.Reason);
            Assert.Equal(0, step.WorkspaceBytes);
        }

        [Fact]
        public void AnOverrideOfAMissingNodeOrAnUnavailableStrategyIsAnError()
        {
            var options = new CompileOptions();
            options.StrategyOverrides["nope"] = "Generic";
            Assert.Contains("node 'nope'", Assert.Throws<ModelException>(() => ModelCompiler.Compile(Conv(), options)).Message);

            options = new CompileOptions();
            options.StrategyOverrides["conv"] = "IntegerReference";
            var e = Assert.Throws<ModelException>(() => ModelCompiler.Compile(Conv(), options));
            Assert.Contains("'IntegerReference' is not available", e.Message);
            Assert.Contains("sconv_f32_8x32, Fp32, Generic", e.Message);
        }

        [Fact]
        public void AQuantisedConvSumsIntegers()
        {
            var graph = Conv();
            var x = graph.Inputs[0];
            x.Type = ElementType.UInt8;
            x.Quant = new QuantParams(new[] { 0.1f }, new[] { 3 }, 0, 0, 8);
            var w = graph.Nodes[0].Inputs[1]!;
            w.Constant = Tensor.Zeros(ElementType.Int8, w.Shape);
            w.Type = ElementType.Int8;
            w.Quant = new QuantParams(new[] { 0.02f }, new[] { 0 }, 0, 0, 5);
            var step = ModelCompiler.Compile(graph, new CompileOptions()).Plan.Steps[0];
            // The int8 kernel by default (all-zero weights cannot saturate a byte pair), the exact long sums on request.
            Assert.Equal("qconv_u8s8_c4_4x64", step.Implementation);
            Assert.Contains("estimated", step.Reason);
            var options = new CompileOptions();
            options.StrategyOverrides[graph.Nodes[0].Name] = "IntegerReference";
            step = ModelCompiler.Compile(graph, options).Plan.Steps[0];
            Assert.Equal(Strategy.IntegerReference, step.Strategy);
            Assert.Contains("8-bit input and 5-bit weight", step.Reason);
        }

        [Fact]
        public void AGemmWithTransposedAStaysInScalarLoopsAndSaysWhy()
        {
            var g = new Graph("gemm", null);
            var a = new Value("a", ElementType.Float32, new[] { 5, 2 });
            g.Inputs.Add(a);
            var node = new Node("gemm", "Gemm", "", 13);
            node.Inputs.Add(a);
            node.Inputs.Add(Value.FromConstant("b", Tensor.Zeros(ElementType.Float32, new[] { 5, 4 })));
            node.Attributes["transA"] = Ir.Attribute.Int(1);
            node.Outputs.Add(new Value("y", ElementType.Float32, Array.Empty<int>()));
            g.Nodes.Add(node);
            g.Outputs.Add(node.Outputs[0]);
            Compiler.Ops.TypeInference.Run(g);
            var step = ModelCompiler.Compile(g, new CompileOptions()).Plan.Steps[0];
            Assert.Equal(Strategy.Generic, step.Strategy);
            Assert.Contains("transA = 1", step.Reason);
        }

        [Fact]
        public void AMatMulWeightIsPackedInPanelsForTheF32Gemm()
        {
            var model = ModelCompiler.Compile(MatMul(), new CompileOptions());
            var step = model.Plan.Steps[0];
            Assert.Equal("sgemm_f32_8x32", step.Implementation);
            Assert.DoesNotContain(model.Plan.Values, v => v.Name == "b");
            var weights = step.Packed.Single(p => p.Name == "weights");
            Assert.Equal("f32-panels depth=4 columns=2 width=32", weights.Layout);
            var stored = new float[4 * 32];
            Buffer.BlockCopy(model.Weights, (int)weights.Offset, stored, 0, stored.Length * 4);
            // Row k of the one panel holds B[k, 0..1], then zeros to 32 columns.
            Assert.Equal(new float[] { 0, 1 }, stored.Take(2));
            Assert.Equal(new float[] { 2, 3 }, stored.Skip(32).Take(2));
            Assert.Equal(0, stored[2]);
            Assert.Equal(32 * 4, step.Packed.Single(p => p.Name == "biases").Bytes);
        }

        [Fact]
        public void AMatMulWeightIsPackedTransposedForTheFp32Loops()
        {
            var options = new CompileOptions();
            options.StrategyOverrides["mm"] = "Fp32";
            var model = ModelCompiler.Compile(MatMul(), options);
            var b = model.Plan.ValuesByName()["b"];
            Assert.Equal(Strategy.Fp32, model.Plan.Steps[0].Strategy);
            Assert.Equal(WeightLayout.Transposed, b.Layout);
            var stored = new float[8];
            Buffer.BlockCopy(model.Weights, (int)b.Offset, stored, 0, 32);
            Assert.Equal(new float[] { 0, 2, 4, 6, 1, 3, 5, 7 }, stored);
        }

        [Fact]
        public void AGemmWhoseCVariesAlongTheRowsStaysOnTheLoopsAndSaysWhy()
        {
            var g = new Graph("gemm", null);
            var a = new Value("a", ElementType.Float32, new[] { 3, 4 });
            g.Inputs.Add(a);
            var node = new Node("gemm", "Gemm", "", 13);
            node.Inputs.Add(a);
            node.Inputs.Add(Value.FromConstant("b", Tensor.Zeros(ElementType.Float32, new[] { 4, 2 })));
            node.Inputs.Add(Value.FromConstant("c", Tensor.Zeros(ElementType.Float32, new[] { 3, 1 })));
            node.Outputs.Add(new Value("y", ElementType.Float32, Array.Empty<int>()));
            g.Nodes.Add(node);
            g.Outputs.Add(node.Outputs[0]);
            Compiler.Ops.TypeInference.Run(g);
            var step = ModelCompiler.Compile(g, new CompileOptions()).Plan.Steps[0];
            Assert.Equal(Strategy.Fp32, step.Strategy);
            Assert.Contains("sgemm_f32_8x32 (C varies along the rows", step.Reason);
        }

        private static Graph MatMul()
        {
            var g = new Graph("matmul", null);
            var a = new Value("a", ElementType.Float32, new[] { 3, 4 });
            g.Inputs.Add(a);
            var node = new Node("mm", "MatMul", "", 13);
            node.Inputs.Add(a);
            node.Inputs.Add(Value.FromConstant("b", Tensor.FromFloats(new[] { 4, 2 }, Enumerable.Range(0, 8).Select(i => (float)i).ToArray())));
            node.Outputs.Add(new Value("y", ElementType.Float32, Array.Empty<int>()));
            g.Nodes.Add(node);
            g.Outputs.Add(node.Outputs[0]);
            Compiler.Ops.TypeInference.Run(g);
            return g;
        }

        private static Graph Conv()
        {
            var g = new Graph("conv", null);
            var x = new Value("x", ElementType.Float32, new[] { 1, 3, 6, 6 });
            g.Inputs.Add(x);
            var node = new Node("conv", "Conv", "", 13);
            node.Inputs.Add(x);
            node.Inputs.Add(Value.FromConstant("w", Tensor.Zeros(ElementType.Float32, new[] { 4, 3, 3, 3 })));
            node.Outputs.Add(new Value("y", ElementType.Float32, Array.Empty<int>()));
            g.Nodes.Add(node);
            g.Outputs.Add(node.Outputs[0]);
            Compiler.Ops.TypeInference.Run(g);
            return g;
        }
    }
}
