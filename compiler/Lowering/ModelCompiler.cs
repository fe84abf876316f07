using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering.Implementations;
using Bitsmith.Compiler.Passes;
using Bitsmith.Compiler.Reports;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Model file to plan and packed weights: import, the pass pipeline, a strategy per layer,
    /// the static memory plan, weight packing. What the MSBuild task and the CLI call; every
    /// problem is a <see cref="ModelException"/> naming the file and the node.
    /// </summary>
    public static class ModelCompiler
    {
        public static CompiledModel Compile(string onnxPath, CompileOptions options)
        {
            var graph = OnnxImporter.Load(onnxPath, new ImportOptions { BatchSize = options.BatchSize });
            try
            {
                Pipeline.Run(graph);
            }
            catch (ModelException e)
            {
                throw e.InFile(onnxPath);
            }
            return Compile(graph, options);
        }

        /// <summary>Lowers a graph that the pass pipeline has already run on (the batch size of <paramref name="options"/> is then moot).</summary>
        public static CompiledModel Compile(Graph graph, CompileOptions options)
        {
            try
            {
                return Lower(graph, options);
            }
            catch (ModelException e) when (graph.SourcePath != null)
            {
                throw e.InFile(graph.SourcePath);
            }
        }

        private static CompiledModel Lower(Graph graph, CompileOptions options)
        {
            var choices = ImplementationSelector.Select(graph, options.StrategyOverrides);
            var nodes = graph.Nodes;
            var implementations = choices.Select(c => c.Implementation).ToList();
            var attributes = nodes.Select((n, i) => implementations[i].Lower(n).ToImmutableEquatableArray()).ToList();
            var workspaces = nodes.Select((n, i) => implementations[i].WorkspaceBytes(n)).ToList();
            var packed = nodes.Select((n, i) => implementations[i].Pack(n)).ToList();
            // A constant input an implementation reads only through its packed form is not stored as itself (null: not stored for this step).
            var layouts = nodes.Select((n, i) => n.Inputs.Select((_, k) => implementations[i].ReplacesInput(n, k) ? (WeightLayout?)null : implementations[i].InputLayout(n, k)).ToList()).ToList();
            var placement = ValuePlacement.Place(graph, implementations.Select(i => i.IsView).ToList(), workspaces, layouts);

            var memory = MemoryPlanner.Plan(placement.Buffers);
            if (memory.ArenaBytes > int.MaxValue)
                throw new UnsupportedModelException($"the scratch arena would take {memory.ArenaBytes} bytes; more than 2 GB is not supported");
            var blobs = placement.Constants.Select(c => (c.Value.ConstantValues(), c.Layout))
                .Concat(packed.SelectMany(p => p).Select(p => (Tensor.FromBytes(p.Bytes), WeightLayout.RowMajor)))
                .ToList();
            var (blob, weightOffsets) = WeightPacker.Pack(blobs);

            var values = placement.Values.Select(p =>
            {
                long offset = p.Storage switch
                {
                    ValueStorage.Arena => memory.Offsets[p.Index],
                    ValueStorage.Weight => weightOffsets[p.Index],
                    _ => p.Index,
                };
                var layout = p.Storage == ValueStorage.Weight ? placement.Constants[p.Index].Layout : WeightLayout.RowMajor;
                return new PlanValue(p.Value.Name, CheckType(p.Value), p.Value.Shape.ToImmutableEquatableArray(), p.Storage, offset, layout,
                    p.Value.Quant == null ? null : PlanQuant.From(p.Value.Quant));
            }).ToImmutableEquatableArray();

            var layers = nodes.Select(LayerSummary.Of).ToList();
            int nextPacked = placement.Constants.Count;
            var steps = nodes.Select((n, i) => new PlanStep(
                n.Name, n.OpType, n.Domain, implementations[i].Name, choices[i].Reason,
                n.Inputs.Select((v, k) => layouts[i][k] == null && v != null && v.IsConstant ? null : v?.Name).ToImmutableEquatableArray(),
                n.Outputs.Select(v => v.Name).ToImmutableEquatableArray(),
                attributes[i], n.Activation,
                placement.Workspaces[i] >= 0 ? memory.Offsets[placement.Workspaces[i]] : 0, workspaces[i],
                new LayerCost(layers[i].Macs, layers[i].WeightBits, layers[i].ActivationBits, layers[i].WeightBytes, choices[i].EstimatedNanoseconds),
                packed[i].Select(p => new PlanPacked(p.Name, p.Layout.Text, weightOffsets[nextPacked++], p.Bytes.Length)).ToImmutableEquatableArray())).ToImmutableEquatableArray();

            string source = graph.SourcePath == null ? "" : Path.GetFileName(graph.SourcePath);
            string name = graph.Name.Length > 0 ? graph.Name : Path.GetFileNameWithoutExtension(source);
            var plan = new Plan(name, source, options.TargetIsa,
                graph.Inputs.Select(v => v.Name).ToImmutableEquatableArray(),
                graph.Outputs.Select(v => v.Name).ToImmutableEquatableArray(),
                values, steps, memory.ArenaBytes, memory.LowerBound, blob.Length, WeightPacker.Sha256(blob));
            return new CompiledModel(plan, blob, layers.Select((l, i) => l with { Implementation = implementations[i].Name, Reason = choices[i].Reason, EstimatedNanoseconds = choices[i].EstimatedNanoseconds }).ToList());
        }

        private static ElementType CheckType(Value v) => v.Type == ElementType.Float16
            ? throw new UnsupportedModelException($"value '{v.Name}' is float16, which generated code does not support")
            : v.Type;
    }
}
