// Records in netstandard2.0 need this attribute type.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit { }
}
