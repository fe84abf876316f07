using System;
using System.IO;

namespace Bitsmith.Cli.Tests
{
    /// <summary>A fresh folder under the system's temp folder, deleted with its contents on dispose.</summary>
    internal sealed class TempDirectory : IDisposable
    {
        public TempDirectory(string prefix)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        /// <summary>A file of random bytes, as a damaged or unrelated download would be.</summary>
        public string CorruptModel()
        {
            string file = System.IO.Path.Combine(Path, "corrupt.onnx");
            var bytes = new byte[512];
            new Random(3).NextBytes(bytes);
            File.WriteAllBytes(file, bytes);
            return file;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
