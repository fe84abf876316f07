using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// <see cref="WeightResource.Get"/> on manifest resources of a real (Roslyn-emitted) assembly:
    /// the weights file as the build writes it (<see cref="WeightResourceFile"/>) and damaged copies,
    /// each refused on first use with a <see cref="WeightResourceException"/> that names the
    /// resource, the assembly and the problem.
    /// </summary>
    public class WeightResourceTests
    {
        private const int Length = 200;

        private static readonly byte[] Weights = Enumerable.Range(0, Length).Select(i => (byte)(i * 7)).ToArray();

        private static readonly string Sha256 = WeightPacker.Sha256(Weights);

        private static readonly byte[] PlanSha256 = Sha256Hex.Parse(Sha256);

        private static readonly Lazy<Assembly> WithResources = new Lazy<Assembly>(() => Emit(
            ("good", Good()),
            ("good-for-another-plan", Good()),
            ("cut-short", Good()[..^10]),
            ("three-bytes", new byte[] { 1, 2, 3 }),
            ("magic-changed", Edit(Good(), ^1, 0x5a)),
            ("version-changed", Edit(Good(), ^8, 7)),
            ("a-byte-inserted", Weights.Append((byte)1).Concat(Good()[Length..]).ToArray()),
            ("another-build", WeightResourceFile.Bytes(Edit(Weights, 5, 99), WeightPacker.Sha256(Edit(Weights, 5, 99)))),
            ("no-trailer", Weights)));

        [Fact]
        public void TheWeightsComeBackWithoutTheTrailerAndLaterCallsAllocateNothing()
        {
            Assert.Equal(Weights.Length + 48, Good().Length);
            Assert.Equal(Weights, WeightResource.Get(WithResources.Value, "good", Length, PlanSha256).ToArray());
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
                WeightResource.Get(WithResources.Value, "good", Length, PlanSha256);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Theory]
        [InlineData("cut-short", "the weights do not end in a Bitsmith trailer, so they were cut short or written by an older Bitsmith")]
        [InlineData("three-bytes", "the weights are cut short: 3 bytes, fewer than the 48 of their trailer")]
        [InlineData("magic-changed", "the weights do not end in a Bitsmith trailer")]
        [InlineData("version-changed", "the weights' trailer has format version 7, this Bitsmith reads version 1")]
        [InlineData("a-byte-inserted", "the weights' trailer records 200 bytes of weights before it, there are 201")]
        [InlineData("another-build", "the weights' trailer records another SHA-256 than the plan: they are from another build")]
        [InlineData("no-trailer", "the weights do not end in a Bitsmith trailer")]
        public void ADamagedResourceIsRefusedOnFirstUse(string name, string problem)
        {
            var e = Refused(name, Length, PlanSha256);
            Assert.Contains($"The weights of a Bitsmith model are damaged: resource '{name}' of assembly 'WithWeights': {problem}", e.Message);
            Assert.EndsWith("Rebuild the project so the model is compiled again.", e.Message);
            // A refused resource is not cached: the next call checks again.
            Assert.Equal(e.Message, Refused(name, Length, PlanSha256).Message);
        }

        /// <summary>A sound resource whose first user has another plan (the check is on first use, so this resource is read by no other test).</summary>
        [Fact]
        public void AResourceOfAnotherPlanIsRefused()
        {
            const string name = "good-for-another-plan";
            Assert.Contains($"resource '{name}' of assembly 'WithWeights': the weights have 200 bytes, the plan says 199.", Refused(name, 199, PlanSha256).Message);
            Assert.Contains("another SHA-256 than the plan", Refused(name, Length, Edit(PlanSha256, 0, 1)).Message);
        }

        [Fact]
        public void AMissingResourceSaysWhichAndWhere()
        {
            var e = Refused("no.such.weights", Length, PlanSha256);
            Assert.Contains("are missing: assembly 'WithWeights' has no embedded resource 'no.such.weights'", e.Message);
        }

        private static WeightResourceException Refused(string name, int length, byte[] sha256)
        {
            var e = Assert.Throws<WeightResourceException>(() => { WeightResource.Get(WithResources.Value, name, length, sha256); });
            Assert.Equal(name, e.ResourceName);
            return e;
        }

        private static byte[] Good() => WeightResourceFile.Bytes(Weights, Sha256);

        private static byte[] Edit(byte[] bytes, Index at, byte value)
        {
            var copy = (byte[])bytes.Clone();
            copy[at] = value;
            return copy;
        }

        private static Assembly Emit(params (string Name, byte[] Bytes)[] resources)
        {
            var compilation = CSharpCompilation.Create("WithWeights", references: new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
                options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            using var image = new MemoryStream();
            var result = compilation.Emit(image, manifestResources: resources.Select(r => new ResourceDescription(r.Name, () => new MemoryStream(r.Bytes), isPublic: true)));
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            return Assembly.Load(image.ToArray());
        }
    }
}
