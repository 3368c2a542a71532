// Entry point of the test child process: "write DB PREFIX COUNT [DELAY_MS [GO_FILE]]", "exit DB PREFIX COUNT", "crash DB PREFIX",
// "seed DB FILE", "register HOME PORT", "intrude DB RUN_FILE SECONDS", "nospace DB PREFIX COUNT FAILURES", "hang DB PREFIX ROUNDS"
// or "rss HOME UPSTREAM_URI UPSTREAM_CA_PEM PARALLEL".
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tokentap;
using Tokentap.Engine;
using Tokentap.Engine.Registry;
using Tokentap.Engine.Usage;
using Tokentap.TestProcess;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: write DB PREFIX COUNT [DELAY_MS [GO_FILE]] | exit DB PREFIX COUNT | crash DB PREFIX | seed DB FILE | register HOME PORT | intrude DB RUN_FILE SECONDS | nospace DB PREFIX COUNT FAILURES | hang DB PREFIX ROUNDS | rss HOME UPSTREAM_URI UPSTREAM_CA_PEM PARALLEL");
    return 2;
}

if (args[0] == "rss")
{
    // A listener alone in this process, no store opened here first (see ResidentMemoryProbe).
    return await ResidentMemoryProbe.RunAsync(args[1], new Uri(args[2]), args[3], int.Parse(args[4], CultureInfo.InvariantCulture));
}

if (args[0] == "register")
{
    // Registers a listener for the data folder HOME (args[1]) and waits to be killed: a proxy process that dies
    // without unregistering. No store: HOME is a folder.
    ProxyRegistry.Register(new TokentapPaths(args[1]), new RunningProxy(Environment.ProcessId, int.Parse(args[2], CultureInfo.InvariantCulture), "killed", DateTime.UtcNow));
    Console.WriteLine("REGISTERED");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

var (mode, database, prefix) = (args[0], args[1], args[2]);
// Not disposed: the process-exit flush of the "exit" mode still needs it, and process exit releases it.
var store = new UsageStore(database, TimeSpan.FromSeconds(60));
switch (mode)
{
    case "write":
    {
        // Publishes COUNT events (optionally paced), then stops the recorder, which flushes everything.
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var delay = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
        var recorder = new UsageRecorder(store, new UsageRecorderOptions { Capacity = count + 1 });
        if (args.Length > 5)
        {
            // A start line shared with other writers: say READY, then wait for the test to create GO_FILE.
            Console.WriteLine("READY");
            for (var waited = 0; !File.Exists(args[5]) && waited < 60_000; waited += 5)
            {
                Thread.Sleep(5);
            }
        }

        for (var i = 0; i < count; i++)
        {
            recorder.Publish(TestEvents.Create(prefix, i));
            if (delay > 0)
            {
                Thread.Sleep(delay);
            }
        }

        var complete = recorder.Stop(TimeSpan.FromSeconds(100));
        var status = recorder.Status;
        Console.WriteLine($"DONE {complete} committed={status.Committed} duplicates={status.Duplicates} dropped={status.Dropped} failed={status.FailedBatches} error={status.LastError}");
        return complete ? 0 : 1;
    }

    case "exit":
    {
        // Publishes COUNT events and returns from Main at once: only the host's one process-exit hook, which disposes
        // the recorder (as the module's hook disposes the runtime), writes them.
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var recorder = new UsageRecorder(store, new UsageRecorderOptions { Capacity = count + 1, FlushInterval = TimeSpan.FromMinutes(10), BatchSize = count + 1, MaxBatchSize = count + 1, ExitTimeout = TimeSpan.FromSeconds(30) });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => recorder.Dispose();
        for (var i = 0; i < count; i++)
        {
            recorder.Publish(TestEvents.Create(prefix, i));
        }

        Console.WriteLine($"PUBLISHED {recorder.Status.Published} COMMITTED {recorder.Status.Committed}");
        return 0;
    }

    case "crash":
    {
        // Writes until killed. After each commit, prints the first and last index and the count of the batch: the
        // parent kills this process mid-write and checks every reported batch is in the file.
        var recorder = new UsageRecorder(store, new UsageRecorderOptions
        {
            Capacity = 10_000,
            Committed = commit =>
            {
                var indexes = commit.Events.Select(TestEvents.IndexOf).ToArray();
                Console.Out.WriteLine($"COMMIT {commit.BatchNumber} {indexes.Min()} {indexes.Max()} {indexes.Length}");
                Console.Out.Flush();
            },
        });
        for (var i = 0; i < int.MaxValue; i++)
        {
            while (recorder.Status.Pending > 5_000)
            {
                Thread.Sleep(1);
            }

            recorder.Publish(TestEvents.Create(prefix, i));
        }

        return 0;
    }

    case "seed":
    {
        // Writes the events of a JSON file (a UsageEvent array) in one transaction: what another process's proxy
        // would store, for tests of readers (module cmdlets, the live view) that must not load the engine themselves.
        var events = JsonSerializer.Deserialize<UsageEvent[]>(File.ReadAllText(prefix)) ?? [];
        var result = store.Write(events);
        Console.WriteLine($"SEEDED {result.Inserted}");
        store.Dispose();
        return result.Inserted == events.Length ? 0 : 1;
    }

    case "intrude":
    {
        // Run as another local user: tries to read the owner's store and run entry and to take every lock of the store
        // it can reach (the lock file, and the machine-wide mutex earlier versions used), says what happened, and holds
        // what it got for SECONDS.
        var seconds = int.Parse(args[3], CultureInfo.InvariantCulture);
        var held = new List<IDisposable>();
        Console.WriteLine("READ " + Attempt(() => File.ReadAllBytes(database)));
        Console.WriteLine("RUN " + Attempt(() => File.ReadAllBytes(prefix)));
        Console.WriteLine("LOCKFILE " + Attempt(() => held.Add(new FileStream(database + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))));
        Console.WriteLine("MUTEX " + Attempt(() =>
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(database).ToLowerInvariant()));
            var mutex = new Mutex(false, @"Global\tokentap-usage-" + Convert.ToHexString(hash, 0, 16));
            if (!mutex.WaitOne(0))
            {
                throw new IOException("busy");
            }

            held.Add(mutex);
        }));
        Console.WriteLine("HOLDING");
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return 0;
    }

    case "nospace":
    {
        // Publishes COUNT events in rounds of 25 while the disk fails with ENOSPC in the middle of LiteDB's writes
        // FAILURES times, collecting garbage and running finalizers after every round: an object LiteDB left behind
        // after a failed write must not throw on the finalizer thread (that ends the process, as it once did).
        var count = int.Parse(args[3], CultureInfo.InvariantCulture);
        var disk = new NoSpaceDisk(int.Parse(args[4], CultureInfo.InvariantCulture));
        var recorder = new UsageRecorder(store, new UsageRecorderOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(10),
            RetryDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            // LiteDB's commit can wait forever for its log writer after a disk error: the watchdog takes over. 3 s, not
            // less: on a loaded machine a healthy write can take over a second, and declaring it hung is a retry too.
            WriteTimeout = TimeSpan.FromSeconds(3),
            WriteFiles = disk.Wrap,
        });
        for (var i = 0; i < count; i++)
        {
            recorder.Publish(TestEvents.Create(prefix, i));
            if (i % 25 == 24 && recorder.Flush(TimeSpan.FromSeconds(60)))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }
        }

        var complete = recorder.Stop(TimeSpan.FromSeconds(60));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var status = recorder.Status;
        Console.WriteLine($"DONE {complete} committed={status.Committed} duplicates={status.Duplicates} failed={status.FailedBatches} injected={disk.Injected} stored={store.Count(UsageFilter.All)} rejected={status.Rejected} abandoned={status.Abandoned}");
        Console.WriteLine($"LASTERROR {status.LastError}");
        return complete ? 0 : 1;
    }

    case "hang":
    {
        // ROUNDS times: a recorder write hangs inside LiteDB (its first log write blocks), the watchdog declares it hung
        // and a new writer writes the batch; then the hung write is let go (the fence refuses it) and finalizers run.
        // A LiteDB transaction left undisposed by the refused write must not throw on the finalizer thread.
        var rounds = int.Parse(args[3], CultureInfo.InvariantCulture);
        long committed = 0; // committed, or found already stored (a batch the hung write had committed)
        for (var round = 0; round < rounds; round++)
        {
            using var hang = new HangingWrite();
            var recorder = new UsageRecorder(store, new UsageRecorderOptions
            {
                FlushInterval = TimeSpan.FromMilliseconds(10),
                RetryDelay = TimeSpan.FromMilliseconds(10),
                WriteTimeout = TimeSpan.FromMilliseconds(300),
                WriteStreams = hang.Wrap,
            });
            for (var i = 0; i < 10; i++)
            {
                recorder.Publish(TestEvents.Create(prefix, round * 10 + i));
            }

            if (!recorder.Flush(TimeSpan.FromSeconds(60)) || !hang.LetGo(TimeSpan.FromSeconds(60)))
            {
                Console.WriteLine("STUCK " + recorder.Status);
                return 1;
            }

            recorder.Dispose();
            committed += recorder.Status.Committed + recorder.Status.Duplicates;
            for (var collections = 0; collections < 3; collections++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        Console.WriteLine($"DONE written={committed} stored={store.Count(UsageFilter.All)}");
        return 0;
    }

    default:
        Console.Error.WriteLine("unknown mode " + mode);
        return 2;
}

static string Attempt(Action action)
{
    try
    {
        action();
        return "ok";
    }
    catch (Exception ex)
    {
        return "denied " + ex.GetType().Name;
    }
}
