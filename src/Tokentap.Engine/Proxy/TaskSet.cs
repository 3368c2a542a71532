// Running tasks kept in view until they end, so a stop can wait for them (connections, observer pumps).
namespace Tokentap.Engine.Proxy;

/// <summary>
/// A set of running tasks; each removes itself when it ends. A hash set of tasks under a lock runs on the framework's
/// precompiled code (a dictionary keyed by number made the JIT compile its members at every start and stop).
/// </summary>
internal sealed class TaskSet
{
    private readonly HashSet<Task> _tasks = [];

    /// <summary>The tasks still running now (a copy).</summary>
    public Task[] Running
    {
        get
        {
            lock (_tasks)
            {
                return [.. _tasks];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_tasks)
            {
                return _tasks.Count;
            }
        }
    }

    public void Add(Task task)
    {
        lock (_tasks)
        {
            _tasks.Add(task);
        }

        // A task that has already ended is removed at once (the continuation then runs on this thread).
        _ = task.ContinueWith(
            static (ended, state) =>
            {
                var tasks = (HashSet<Task>)state!;
                lock (tasks)
                {
                    tasks.Remove(ended);
                }
            },
            _tasks,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
