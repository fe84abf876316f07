namespace Bitsmith.Generator
{
    /// <summary>The names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        public const string ModelClass = nameof(ModelClass);
        public const string PlanFile = nameof(PlanFile);
        public const string ProjectDirectory = nameof(ProjectDirectory);
        public const string Profile = nameof(Profile);
        public const string Match = nameof(Match);
        public const string ModelSource = nameof(ModelSource);
    }
}
