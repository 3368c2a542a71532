// Tests that a listener's registry entry, written on the thread pool after the start returns, lands and is removed,
// and that a failure to write it is reported as a notice while the proxy keeps running.
using Tokentap.Engine.Hosting;
using Tokentap.Engine.Proxy;
using Tokentap.Engine.Registry;

namespace Tokentap.Engine.Tests.Registry;

public sealed class BackgroundRegistrationTests : IDisposable
{
    private readonly TokentapPaths _paths = new(Directory.CreateTempSubdirectory("tt-bgregistry-").FullName);

    public void Dispose() => Directory.Delete(_paths.Home, recursive: true);

    [Fact]
    public async Task The_entry_lands_after_the_start_returns_and_goes_when_the_listener_stops()
    {
        using var runtime = new TokentapRuntime(_paths);
        var listener = await runtime.StartListenerAsync(new ListenerRequest { Tags = new ExchangeTags("bg-registry", null, null), WarmUpDelay = TimeSpan.FromMinutes(5) });

        await listener.Registered.WaitAsync(TimeSpan.FromSeconds(30));
        var entry = Assert.Single(ProxyRegistry.ListRunning(_paths));
        Assert.Equal((Environment.ProcessId, listener.Port, "bg-registry", true), (entry.ProcessId, entry.Port, entry.Session, entry.IsThisProcess));
        Assert.Empty(runtime.DrainNotices());

        await listener.StopAsync();
        Assert.Empty(ProxyRegistry.ListRunning(_paths));
        Assert.Empty(Directory.GetFiles(Path.Combine(_paths.Home, "run")));
    }

    [Fact]
    public async Task A_listener_stopped_before_its_write_began_writes_and_removes_nothing()
    {
        var held = new HeldScheduler();
        var notices = new List<string>();
        var registration = new BackgroundRegistration(_paths, new RunningProxy(Environment.ProcessId, 45_123, "held", DateTime.UtcNow), notices.Add, held);

        var disposing = Task.Run(registration.Dispose);
        await Task.Delay(200);
        Assert.False(disposing.IsCompleted);
        held.Release();
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));

        await registration.Completion;
        Assert.False(Directory.Exists(Path.Combine(_paths.Home, "run")));
        Assert.Empty(notices);
    }

    [Fact]
    public async Task A_failed_write_becomes_one_notice_and_the_proxy_keeps_running()
    {
        // "run" is a file, so the registry folder cannot be made.
        Directory.CreateDirectory(_paths.Home);
        var run = Path.Combine(_paths.Home, "run");
        File.WriteAllText(run, "not a folder");
        using var runtime = new TokentapRuntime(_paths);
        var listener = await runtime.StartListenerAsync(new ListenerRequest { Tags = new ExchangeTags("bg-registry", null, null), WarmUpDelay = TimeSpan.FromMinutes(5) });

        await listener.Registered.WaitAsync(TimeSpan.FromSeconds(30));
        var notice = Assert.Single(runtime.DrainNotices());
        Assert.StartsWith($"Other shells cannot see this proxy (port {listener.Port}): writing its entry under {run} failed: ", notice, StringComparison.Ordinal);
        Assert.True(listener.IsRunning);
        Assert.Single(runtime.Listeners);
        Assert.Empty(runtime.DrainNotices());

        await listener.StopAsync();
        Assert.False(listener.IsRunning);
        Assert.Equal("not a folder", File.ReadAllText(run));
    }

    // Keeps queued tasks until Release, then runs them on the thread pool.
    private sealed class HeldScheduler : TaskScheduler
    {
        private readonly List<Task> _queued = [];
        private bool _released;

        public void Release()
        {
            List<Task> queued;
            lock (_queued)
            {
                _released = true;
                queued = [.. _queued];
                _queued.Clear();
            }

            foreach (var task in queued)
            {
                ThreadPool.QueueUserWorkItem(_ => TryExecuteTask(task));
            }
        }

        protected override IEnumerable<Task> GetScheduledTasks()
        {
            lock (_queued)
            {
                return [.. _queued];
            }
        }

        protected override void QueueTask(Task task)
        {
            lock (_queued)
            {
                if (!_released)
                {
                    _queued.Add(task);
                    return;
                }
            }

            ThreadPool.QueueUserWorkItem(_ => TryExecuteTask(task));
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
    }
}
