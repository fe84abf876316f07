using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// Two models with one file name in different folders: each gets its own plan, weights,
    /// options file and resource name, so neither overwrites the other's compiled form.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class ModelItemNameTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-names-" + Guid.NewGuid().ToString("N"));

        public ModelItemNameTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void SameFileNameInTwoFoldersGetsDistinctNames()
        {
            foreach (string folder in new[] { "a", "b" })
            {
                Directory.CreateDirectory(Path.Combine(_dir, folder));
                File.WriteAllBytes(Path.Combine(_dir, folder, "model.onnx"), new byte[] { 0 });
            }
            ScratchProject.Write(_dir, """
                <BitsmithModel Include="a/model.onnx" />
                <BitsmithModel Include="b/model.onnx" />
                """);

            // Only the naming target runs: no restore, no model compilation.
            string json = DotnetProcess.Run(_dir, "msbuild App.csproj -nologo -t:_BitsmithPrepareModels -getItem:_BitsmithModel");
            var items = JsonDocument.Parse(json).RootElement.GetProperty("Items").GetProperty("_BitsmithModel").EnumerateArray().ToList();

            Assert.Equal(2, items.Count);
            foreach (string name in new[] { "PlanFile", "WeightsFile", "OptionsFile", "ResourceName" })
            {
                var values = items.Select(i => i.GetProperty(name).GetString()!).ToList();
                Assert.All(values, v => Assert.Contains("model-", v));
                Assert.NotEqual(values[0], values[1]);
            }
        }
    }
}
