// Running tasks kept in view until they end, so a stop can wait for them (connections, observer pumps).
using System.Collections.Concurrent;

namespace Tokentap.Engine.Proxy;

/// <summary>A set of running tasks; each removes itself when it ends.</summary>
internal sealed class TaskSet
{
    private readonly ConcurrentDictionary<long, Task> _tasks = new();
    private long _nextId;

    /// <summary>The tasks still running (a live view).</summary>
    public ICollection<Task> Running => _tasks.Values;

    public int Count => _tasks.Count;

    public void Add(Task task)
    {
        var id = Interlocked.Increment(ref _nextId);
        _tasks[id] = task;
        _ = task.ContinueWith(
            static (_, state) =>
            {
                var entry = (Entry)state!;
                entry.Tasks.TryRemove(entry.Id, out Task? _);
            },
            new Entry(_tasks, id),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private sealed record Entry(ConcurrentDictionary<long, Task> Tasks, long Id);
}
