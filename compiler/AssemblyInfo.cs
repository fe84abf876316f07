[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Compiler.Tests")]
