using System.IO;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;

namespace Bitsmith.Cli.Execution
{
    /// <summary>The files a command reads: checked to exist; a model imported with the command's batch size.</summary>
    public static class ModelFile
    {
        /// <summary>The full path of <paramref name="path"/>, or a <see cref="CliException"/> naming it when there is no such file.</summary>
        public static string Require(string path)
        {
            if (Directory.Exists(path))
                throw new CliException($"{path}: is a folder, not a file");
            if (!File.Exists(path))
                throw new CliException($"{path}: no such file");
            return Path.GetFullPath(path);
        }

        /// <summary>The graph as imported (<paramref name="runPasses"/> false) or after the pass pipeline; errors name the file.</summary>
        public static Graph Load(string path, int batch, bool runPasses = true)
        {
            var graph = OnnxImporter.Load(Require(path), new ImportOptions { BatchSize = batch });
            if (runPasses)
            {
                try
                {
                    Pipeline.Run(graph);
                }
                catch (Compiler.ModelException e)
                {
                    throw e.InFile(graph.SourcePath ?? path);
                }
            }
            return graph;
        }
    }
}
