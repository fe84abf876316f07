using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// Tests that run dotnet build, pack or publish on the repository's projects share their
    /// bin/ and obj/ folders, so they run one at a time rather than beside each other.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class BuildProcessCollection
    {
        public const string Name = "dotnet build processes";
    }
}
