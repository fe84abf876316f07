using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Bitsmith.Compiler.Passes;

namespace Bitsmith.Compiler.Tests.Conformance
{
    /// <summary>
    /// Runs ONNX backend test directories (model.onnx + test_data_set_*/input_*.pb, output_*.pb)
    /// through import, the pass pipeline and the reference interpreter, and compares with
    /// ONNX's tolerance: |actual - expected| &lt;= atol + rtol * |expected| for floats
    /// (rtol 1e-3, atol 1e-7), exact for integers and booleans.
    /// </summary>
    public static class ConformanceRunner
    {
        public static readonly string[] Suites = { "node", "pytorch-converted", "pytorch-operator", "simple" };

        public const string FixedInputsNote = "integer inputs fixed at compile time";

        public const double RelativeTolerance = 1e-3;
        public const double AbsoluteTolerance = 1e-7;

        public static IEnumerable<(string Suite, string Dir)> Discover(string root) =>
            Suites.Where(s => Directory.Exists(Path.Combine(root, s)))
                .SelectMany(s => Directory.GetDirectories(Path.Combine(root, s))
                    .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                    .OrderBy(d => d, StringComparer.Ordinal)
                    .Select(d => (s, d)));

        public static CaseResult Run(string suite, string dir)
        {
            string name = Path.GetFileName(dir);
            string modelPath = Path.Combine(dir, "model.onnx");
            var proto = OnnxImporter.Parse(File.ReadAllBytes(modelPath));
            var ops = proto.Graph.Node.Select(n => n.OpType).Distinct().OrderBy(o => o, StringComparer.Ordinal).ToList();
            var unsupported = proto.Graph.Node.FirstOrDefault(n => !OperatorRegistry.TryGet(n.Domain, n.OpType, out _));
            if (unsupported != null)
                return new CaseResult(suite, name, ops, CaseOutcome.NotApplicable, "op " + unsupported.OpType);

            var sets = Directory.GetDirectories(dir, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal).ToList();
            if (sets.Count == 0)
                return new CaseResult(suite, name, ops, CaseOutcome.Failed, "no test_data_set_* folder");

            // A model that takes a shape-deciding input at run time (Reshape's shape, Pad's pads) is
            // compiled once per data set with its integer inputs fixed to that set's values.
            bool bindIntegerInputs = false;
            Graph? compiled = null;
            try
            {
                compiled = Compile(modelPath, null);
            }
            catch (UnsupportedModelException e)
            {
                if (!proto.Graph.Input.Any(i => IsIntegerInput(i)))
                    return new CaseResult(suite, name, ops, CaseOutcome.NotApplicable, e.Problem);
                bindIntegerInputs = true;
            }
            catch (Exception e)
            {
                return new CaseResult(suite, name, ops, CaseOutcome.Failed, "compile: " + e.Message);
            }

            foreach (var set in sets)
            {
                string? problem;
                try
                {
                    problem = RunDataSet(modelPath, proto, compiled, set);
                }
                catch (UnsupportedModelException e)
                {
                    return new CaseResult(suite, name, ops, CaseOutcome.NotApplicable, e.Problem);
                }
                catch (Exception e)
                {
                    problem = "compile: " + e.Message;
                }
                if (problem != null)
                    return new CaseResult(suite, name, ops, CaseOutcome.Failed, Path.GetFileName(set) + ": " + problem);
            }
            if (bindIntegerInputs)
                return new CaseResult(suite, name, ops, CaseOutcome.Passed, $"{sets.Count} data set(s), {FixedInputsNote}");
            return new CaseResult(suite, name, ops, CaseOutcome.Passed, $"{sets.Count} data set(s)");
        }

        private static bool IsIntegerInput(Onnx.ValueInfoProto input) =>
            input.Type?.TensorType?.ElemType is (int)Onnx.TensorProto.Types.DataType.Int64 or (int)Onnx.TensorProto.Types.DataType.Int32;

        /// <summary>
        /// The graph a data set runs on and its run-time inputs by name: <paramref name="compiled"/>
        /// with every input of the set, or (when null) the model compiled with its integer inputs
        /// fixed to the set's values and the other inputs.
        /// </summary>
        public static (Graph Graph, Dictionary<string, Tensor> Inputs) Bind(string modelPath, Onnx.ModelProto proto, Graph? compiled, string set)
        {
            var declared = proto.Graph.Input.Where(i => !proto.Graph.Initializer.Any(t => t.Name == i.Name)).ToList();
            var given = new Dictionary<string, Tensor>();
            var options = new ImportOptions();
            for (int i = 0; i < declared.Count; i++)
            {
                var tensor = OnnxTensorFile.Load(Path.Combine(set, $"input_{i}.pb")).Tensor;
                if (compiled == null && IsIntegerInput(declared[i]))
                    options.ConstantInputs[declared[i].Name] = tensor;
                else
                    given[declared[i].Name] = tensor;
            }
            return (compiled ?? Compile(modelPath, options), given);
        }

        /// <summary>Import and the pass pipeline.</summary>
        public static Graph Compile(string modelPath, ImportOptions? options)
        {
            var graph = OnnxImporter.Load(modelPath, options);
            Pipeline.Run(graph);
            return graph;
        }

        /// <summary>Runs one data set on <paramref name="compiled"/>, or, when null, on the model compiled with its integer inputs fixed to the set's values.</summary>
        private static string? RunDataSet(string modelPath, Onnx.ModelProto proto, Graph? compiled, string set)
        {
            var inputFiles = Directory.GetFiles(set, "input_*.pb");
            var declared = proto.Graph.Input.Where(i => !proto.Graph.Initializer.Any(t => t.Name == i.Name)).ToList();
            if (inputFiles.Length != declared.Count)
                return $"{inputFiles.Length} input files for {declared.Count} graph inputs";
            var (graph, given) = Bind(modelPath, proto, compiled, set);

            Dictionary<string, Tensor> outputs;
            try
            {
                outputs = ReferenceInterpreter.Run(graph, given);
            }
            catch (Exception e)
            {
                return "run: " + e.Message;
            }
            for (int i = 0; i < graph.Outputs.Count; i++)
            {
                var expected = OnnxTensorFile.Load(Path.Combine(set, $"output_{i}.pb")).Tensor;
                string? problem = Compare(graph.Outputs[i].Name, expected, outputs[graph.Outputs[i].Name]);
                if (problem != null)
                    return problem;
            }
            return null;
        }

        public static string? Compare(string name, Tensor expected, Tensor actual)
        {
            if (expected.Type != actual.Type)
                return $"output '{name}': type {actual.Type.ShortName()}, expected {expected.Type.ShortName()}";
            if (!Shape.SameAs(expected.Shape, actual.Shape))
                return $"output '{name}': shape {Shape.Format(actual.Shape)}, expected {Shape.Format(expected.Shape)}";
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected.GetDouble(i), a = actual.GetDouble(i);
                bool ok = expected.Type.IsFloat()
                    ? (double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(a - e) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(e) || a == e)
                    : expected.GetInt64(i) == actual.GetInt64(i);
                if (!ok)
                    return $"output '{name}' element {i}: {a.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, expected {e.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
            }
            return null;
        }
    }
}
