// Opens the LiteDB file for one unit of work under a cross-process lock, and sets a damaged file aside.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Every pwsh process (each with its own writer, plus readers) shares one file. LiteDB's direct mode assumes one owner,
/// so each unit of work takes a named mutex (machine-wide, verified across processes on Linux, released by the kernel
/// when a holder is killed), opens the engine, works, closes the engine (which checkpoints the log into the data file)
/// and releases the mutex. The whole unit runs on the calling thread, as the mutex and LiteDB transactions require.
/// This is LiteDB's own "shared" connection mode, done here so that waiting has a timeout (a busy file is reported and
/// retried instead of blocking forever) and so a damaged file can be set aside between two units of work.
/// </summary>
internal sealed class UsageDatabase : IDisposable
{
    // The LiteDB 5 file header: the text at offset 32 followed by the file format version byte 8; pages are 8 KiB.
    private const int HeaderSignatureOffset = 32;
    private const byte FileFormatVersion = 8;
    private const int PageSize = 8192;
    private static readonly byte[] HeaderSignature = Encoding.ASCII.GetBytes("** This is a LiteDB file **");

    /// <summary>The longest a schema migration holds the lock at a time, by default (see Execute).</summary>
    public static readonly TimeSpan DefaultMigrationSlice = TimeSpan.FromSeconds(1);

    private readonly Mutex _mutex;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeSpan _migrationSlice;
    private int _slicesLeftUnfinished;

    public UsageDatabase(string databasePath, TimeSpan lockTimeout, TimeSpan? migrationSlice = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _lockTimeout = lockTimeout;
        _migrationSlice = migrationSlice ?? DefaultMigrationSlice;
        _mutex = new Mutex(false, MutexName(DatabasePath));
    }

    /// <summary>The machine-wide lock name of a database file (case-folded, as LiteDB does for its own shared mode).</summary>
    internal static string MutexName(string databasePath)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(databasePath).ToLowerInvariant()));
        return @"Global\tokentap-usage-" + Convert.ToHexString(hash, 0, 16);
    }

    public string DatabasePath { get; }

    /// <summary>How many holds of the lock ended with a schema migration unfinished (each let other users in).</summary>
    public int MigrationSlicesLeftUnfinished => Volatile.Read(ref _slicesLeftUnfinished);

    /// <summary>The last time a damaged file was set aside by this instance.</summary>
    public UsageStoreRecovery? LastRecovery { get; private set; }

    /// <summary>Raised (on the thread that found the damage) after a damaged file was set aside.</summary>
    public event Action<UsageStoreRecovery>? Recovered;

    /// <summary>
    /// Runs <paramref name="work"/> on an open engine while holding the lock. The work may run more than once (after a
    /// damaged file was replaced), so it must not have effects outside the engine before it returns.
    /// </summary>
    public T Execute<T>(Func<LiteEngine, T> work)
    {
        while (true)
        {
            Acquire();
            try
            {
                if (TryExecute(work, out var result))
                {
                    return result;
                }
            }
            finally
            {
                _mutex.ReleaseMutex();
            }

            // A slice of a schema migration ended with work left: let waiting processes have the lock for a moment
            // (they take their turn at the migration, or wait for it as this one does), then go on.
            Interlocked.Increment(ref _slicesLeftUnfinished);
            Thread.Sleep(1);
        }
    }

    /// <summary>One hold of the lock: false when the file still needs migrating after this hold's slice of it.</summary>
    private bool TryExecute<T>(Func<LiteEngine, T> work, out T result)
    {
        for (var attempt = 0; ; attempt++)
        {
            LiteEngine? engine = null;
            try
            {
                engine = Open();
                if (engine is null)
                {
                    result = default!;
                    return false;
                }

                result = work(engine);
                var closing = engine;
                engine = null;
                closing.Dispose();
                return true;
            }
            catch (Exception ex) when (attempt < 2 && IsDamage(ex))
            {
                DisposeQuietly(engine);
                engine = null;

                // The first failure gets a second look with a freshly opened engine; only a repeated one moves the file.
                if (attempt == 1)
                {
                    MoveAside(ex);
                }
            }
            finally
            {
                DisposeQuietly(engine);
            }
        }
    }

    /// <summary>
    /// Sets the file aside for damage found outside a unit of work (a reader decoding a chunk it read earlier), if
    /// <paramref name="stillDamaged"/> confirms the damage in the file as it is now (another process may have replaced
    /// or rewritten it since). Returns the recovery, or null when nothing was moved.
    /// </summary>
    public UsageStoreRecovery? SetAside(Exception damage, Func<LiteEngine, bool> stillDamaged)
    {
        Acquire();
        try
        {
            if (!File.Exists(DatabasePath))
            {
                return null;
            }

            bool damaged;
            try
            {
                using var engine = Open();
                damaged = engine is not null && stillDamaged(engine);
            }
            catch (Exception ex) when (IsDamage(ex))
            {
                damaged = true;
            }

            if (!damaged)
            {
                return null;
            }

            MoveAside(damage);
            return LastRecovery;
        }
        finally
        {
            _mutex.ReleaseMutex();
        }
    }

    public void Dispose() => _mutex.Dispose();

    /// <summary>
    /// Whether an exception means the file's content is unreadable. Only LiteDB's own damage codes count, the
    /// low-level exceptions its readers throw on garbage bytes when LiteDB itself threw them, and a chunk whose events
    /// cannot be decoded; locks, permissions and I/O errors never do (they are retried, never a reason to move a file).
    /// </summary>
    internal static bool IsDamage(Exception ex) => ex switch
    {
        UsageChunkException => true,
        LiteException lite => lite.ErrorCode is LiteException.INVALID_DATABASE or LiteException.INVALID_DATAFILE_STATE
            or LiteException.INVALID_FREE_SPACE_PAGE,
        EndOfStreamException or ArgumentException or IndexOutOfRangeException or InvalidCastException or OverflowException
            or FormatException or NullReferenceException => ThrownInsideLiteDb(ex),
        _ => false,
    };

    private static bool ThrownInsideLiteDb(Exception ex)
    {
        var liteDb = typeof(LiteEngine).Assembly;
        var runtime = typeof(object).Assembly;
        foreach (var frame in new StackTrace(ex, false).GetFrames())
        {
            var assembly = frame.GetMethod()?.DeclaringType?.Assembly;
            if (assembly is null || assembly == runtime)
            {
                continue;
            }

            return assembly == liteDb;
        }

        return false;
    }

    private static void DisposeQuietly(LiteEngine? engine)
    {
        try
        {
            engine?.Dispose();
        }
        catch (Exception)
        {
            // Closing after a failure: the failure itself is what gets reported.
        }
    }

    private void Acquire()
    {
        bool acquired;
        try
        {
            acquired = _mutex.WaitOne(_lockTimeout);
        }
        catch (AbandonedMutexException)
        {
            // A holder died (crash, SIGKILL): the mutex is ours now. LiteDB's log recovery handles a half-written transaction.
            acquired = true;
        }

        if (!acquired)
        {
            throw new UsageStoreBusyException(DatabasePath, _lockTimeout);
        }
    }

    /// <summary>Opens the file, creating or migrating it; null when a long migration used up this hold's slice.</summary>
    private LiteEngine? Open()
    {
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        CheckHeader();
        var engine = new LiteEngine(new EngineSettings { Filename = DatabasePath });
        try
        {
            if (UsageSchema.Upgrade(engine, DatabasePath, Environment.TickCount64 + (long)_migrationSlice.TotalMilliseconds))
            {
                return engine;
            }

            engine.Dispose();
            return null;
        }
        catch
        {
            DisposeQuietly(engine);
            throw;
        }
    }

    /// <summary>
    /// Refuses a file that does not start with a LiteDB 5 header before LiteDB opens it: LiteDB rewrites parts of a
    /// file it cannot read (it truncated a file of garbage in our tests), and the damaged file must be kept as it was.
    /// </summary>
    private void CheckHeader()
    {
        var info = new FileInfo(DatabasePath);
        if (!info.Exists || info.Length == 0)
        {
            return;
        }

        Span<byte> header = stackalloc byte[HeaderSignatureOffset + HeaderSignature.Length + 1];
        int read;
        using (var stream = new FileStream(DatabasePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (info.Length < PageSize || read < header.Length
            || !header.Slice(HeaderSignatureOffset, HeaderSignature.Length).SequenceEqual(HeaderSignature)
            || header[^1] != FileFormatVersion)
        {
            throw new LiteException(LiteException.INVALID_DATABASE, "the file does not start with a LiteDB 5 header");
        }
    }

    private void MoveAside(Exception damage)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var target = DatabasePath + ".damaged-" + stamp;
        for (var n = 1; File.Exists(target); n++)
        {
            target = DatabasePath + ".damaged-" + stamp + "-" + n;
        }

        File.Move(DatabasePath, target);
        var logFile = Path.Combine(
            Path.GetDirectoryName(DatabasePath) ?? "",
            Path.GetFileNameWithoutExtension(DatabasePath) + "-log" + Path.GetExtension(DatabasePath));
        if (File.Exists(logFile))
        {
            File.Move(logFile, target + "-log");
        }

        var recovery = new UsageStoreRecovery(DatabasePath, target, DateTime.UtcNow, damage.GetType().Name + ": " + damage.Message);
        LastRecovery = recovery;
        try
        {
            Recovered?.Invoke(recovery);
        }
        catch (Exception)
        {
            // A listener's failure must not undo the recovery; LastRecovery still tells the story.
        }
    }
}
