using System;

namespace Bitsmith
{
    /// <summary>
    /// Marks a <c>static partial class</c> as the generated code of a model: the Bitsmith source
    /// generator fills the class with <c>Run</c>, the shape constants and the weight accessor.
    /// The model must also be a <c>BitsmithModel</c> item of the project, which compiles it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class CompiledModelAttribute : Attribute
    {
        /// <param name="modelPath">The model file, relative to the project folder, as the <c>BitsmithModel</c> item names it.</param>
        public CompiledModelAttribute(string modelPath)
        {
            ModelPath = modelPath;
        }

        public string ModelPath { get; }
    }
}
