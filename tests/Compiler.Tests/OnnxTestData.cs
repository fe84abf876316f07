using System;
using System.IO;

namespace Bitsmith.Compiler.Tests
{
    /// <summary>Where Debian's libonnx-testdata package puts ONNX's backend test data.</summary>
    public static class OnnxTestData
    {
        public const string DefaultRoot = "/usr/share/libonnx-testdata/data";

        /// <summary>The data root: BITSMITH_ONNX_TESTDATA or the Debian path. Missing data fails the test: CI installs the package.</summary>
        public static string Root
        {
            get
            {
                string root = Environment.GetEnvironmentVariable("BITSMITH_ONNX_TESTDATA") ?? DefaultRoot;
                if (!Directory.Exists(Path.Combine(root, "node")))
                    throw new InvalidOperationException($"ONNX test data not found at {root}: install it with 'apt-get install libonnx-testdata' (./test.sh does) or set BITSMITH_ONNX_TESTDATA");
                return root;
            }
        }

        public static string Test(string suite, string name) => Path.Combine(Root, suite, name);
    }
}
