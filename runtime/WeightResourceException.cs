using System;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// The weight resource of a generated model is missing or is not the one its plan was made
    /// with (cut short, from another build, edited). An <see cref="InvalidOperationException"/>,
    /// as before there was a type of its own; the message names the resource and the problem and
    /// says to rebuild.
    /// </summary>
    public sealed class WeightResourceException : InvalidOperationException
    {
        public WeightResourceException(string resourceName, string message)
            : base(message)
        {
            ResourceName = resourceName;
        }

        /// <summary>The manifest resource name.</summary>
        public string ResourceName { get; }
    }
}
