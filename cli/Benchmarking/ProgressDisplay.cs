using System;
using System.Collections.Generic;
using System.IO;
using Spectre.Console;

namespace Bitsmith.Cli.Benchmarking
{
    /// <summary>
    /// The progress bars of <c>bench</c>, drawn on stderr with Spectre.Console while it runs (on a
    /// terminal; redirected, it prints nothing), so that stdout carries only the results.
    /// </summary>
    internal sealed class ProgressDisplay
    {
        private readonly IAnsiConsole _console;

        public ProgressDisplay(TextWriter error)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        }

        /// <summary>Runs each step with a bar of its own; a step reports its fraction done.</summary>
        public IReadOnlyList<T> Run<T>(IReadOnlyList<(string Name, Func<IProgress<double>, T> Step)> steps)
        {
            var results = new List<T>();
            _console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    foreach (var (name, step) in steps)
                    {
                        var task = ctx.AddTask(Markup.Escape(name), maxValue: 1);
                        results.Add(step(new Progress(task)));
                        task.Value = 1;
                        task.StopTask();
                    }
                });
            return results;
        }

        /// <summary>Reports synchronously (System.Progress would post to the thread pool).</summary>
        private sealed class Progress : IProgress<double>
        {
            private readonly ProgressTask _task;

            public Progress(ProgressTask task) => _task = task;

            public void Report(double value) => _task.Value = value;
        }
    }
}
