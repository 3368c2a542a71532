// Opens the LiteDB file for one unit of work under a cross-process lock, and sets a damaged file aside.
using System.Diagnostics;
using System.Text;
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Certificates;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Every pwsh process (each with its own writer, plus readers) shares one file. LiteDB's direct mode assumes one owner,
/// so each unit of work takes the database's file lock (<see cref="UsageFileLock"/>: owner-only, released by the OS
/// when a holder is killed), opens the engine, works, closes the engine (which checkpoints the log into the data file)
/// and releases the lock. The whole unit runs on the calling thread, as LiteDB transactions require. The data folder
/// is kept 0700 and its files 0600 on Unix (an existing install is tightened on first use).
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

    // How long a migration lets go of the lock between two slices: longer than a waiter's longest pause between polls.
    private static readonly TimeSpan MigrationPause = TimeSpan.FromMilliseconds(15);

    /// <summary>The longest a schema migration holds the lock at a time, by default (see Execute).</summary>
    public static readonly TimeSpan DefaultMigrationSlice = TimeSpan.FromSeconds(1);

    private readonly UsageFileLock _lock;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeSpan _migrationSlice;
    private int _slicesLeftUnfinished;
    private bool _tightened;
    private volatile bool _disposed;

    public UsageDatabase(string databasePath, TimeSpan lockTimeout, TimeSpan? migrationSlice = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);

        // The OS reports opening a folder as a file as "access denied", which would send users after permissions.
        if (Directory.Exists(DatabasePath))
        {
            throw new IOException($"The usage database '{DatabasePath}' is a folder, not a file. Move the folder away (or set TOKENTAP_HOME to another folder) and try again; nothing in it was changed.");
        }

        _lockTimeout = lockTimeout;
        _migrationSlice = migrationSlice ?? DefaultMigrationSlice;
        _lock = new UsageFileLock(DatabasePath);
    }

    /// <summary>The lock file next to the database.</summary>
    internal string LockPath => _lock.LockPath;

    public string DatabasePath { get; }

    /// <summary>LiteDB's log file beside the database ("usage-log.db").</summary>
    private string LogPath => Path.Combine(
        Path.GetDirectoryName(DatabasePath) ?? "",
        Path.GetFileNameWithoutExtension(DatabasePath) + "-log" + Path.GetExtension(DatabasePath));

    /// <summary>How many holds of the lock ended with a schema migration unfinished (each let other users in).</summary>
    public int MigrationSlicesLeftUnfinished => Volatile.Read(ref _slicesLeftUnfinished);

    /// <summary>The last time a damaged file was set aside by this instance.</summary>
    public UsageStoreRecovery? LastRecovery { get; private set; }

    /// <summary>Raised (on the thread that found the damage) after a damaged file was set aside.</summary>
    public event Action<UsageStoreRecovery>? Recovered;

    /// <summary>The last salvage of a damaged file this instance finished, if any.</summary>
    public UsageStoreSalvage? LastSalvage { get; private set; }

    /// <summary>Raised (on the salvage thread) when the events of a damaged file have been copied into the fresh one.</summary>
    public event Action<UsageStoreSalvage>? Salvaged;

    /// <summary>
    /// Runs <paramref name="work"/> on an open engine while holding the lock. The work may run more than once (after a
    /// damaged file was replaced), so it must not have effects outside the engine before it returns.
    /// </summary>
    /// <param name="work">The unit of work.</param>
    /// <param name="bytesToWrite">
    /// A generous estimate of what the work adds to the files. When the volume has less free space, the work is not
    /// started (an IOException saying so): LiteDB that runs out of space mid-transaction leaves an engine it can neither
    /// finish nor close cleanly, while a write refused up front leaves the file as it was and can simply be retried.
    /// </param>
    public T Execute<T>(Func<LiteEngine, T> work, long bytesToWrite = 0) => Run(work, bytesToWrite, reportDamage: false, fence: null);

    /// <summary>
    /// <see cref="Execute{T}"/> for a recorder write that its watchdog may declare hung: LiteDB reaches the files only
    /// through streams bound to <paramref name="fence"/>, which also holds the lock (see <see cref="UsageWriteFence"/>).
    /// </summary>
    public T Execute<T>(Func<LiteEngine, T> work, long bytesToWrite, UsageWriteFence fence) => Run(work, bytesToWrite, reportDamage: false, fence);

    /// <summary>
    /// Runs a unit of work that reads for a caller (a query page). Damage it meets sets the file aside as in
    /// <see cref="Execute{T}"/>, but the work is not run again on the fresh, still empty file: the caller gets a
    /// <see cref="UsageStoreDamagedException"/> instead of results that would silently lack the damaged file's events.
    /// </summary>
    public T Read<T>(Func<LiteEngine, T> work) => Run(work, 0, reportDamage: true, fence: null);

    private T Run<T>(Func<LiteEngine, T> work, long bytesToWrite, bool reportDamage, UsageWriteFence? fence)
    {
        if (bytesToWrite > 0)
        {
            CheckFreeSpace(bytesToWrite);
        }

        while (true)
        {
            var held = Acquire();
            fence?.Attach(held);
            try
            {
                if (TryExecute(work, reportDamage, fence, out var result))
                {
                    // LiteDB may report a commit done although its log writer failed a page of it (see UsageWriteFence).
                    return fence?.Failure is { } failure ? throw WriteFailed(failure) : result;
                }
            }
            catch (Exception ex) when (ex is not IOException && fence?.Failure is { } failure)
            {
                // After its log writer failed, LiteDB reports the broken transaction in its own words ("transaction must
                // be active to commit", "page must be writable"): the cause is the disk, and retrying can cure it.
                throw WriteFailed(failure);
            }
            finally
            {
                if (fence is null)
                {
                    held.Dispose();
                }
                else
                {
                    fence.Detach();
                }
            }

            // A slice of a schema migration ended with work left: let waiting processes have the lock for a moment
            // (they poll it at least every few milliseconds; they take their turn at the migration, or wait for it as
            // this one does), then go on.
            Interlocked.Increment(ref _slicesLeftUnfinished);
            Thread.Sleep(MigrationPause);
        }
    }

    private IOException WriteFailed(IOException failure) =>
        new($"Writing to the usage database '{DatabasePath}' failed: {failure.Message}", failure);

    /// <summary>One hold of the lock: false when the file still needs migrating after this hold's slice of it.</summary>
    private bool TryExecute<T>(Func<LiteEngine, T> work, bool reportDamage, UsageWriteFence? fence, out T result)
    {
        for (var attempt = 0; ; attempt++)
        {
            OpenEngine? engine = null;
            try
            {
                engine = Open(fence);
                if (engine is null)
                {
                    result = default!;
                    return false;
                }

                result = work(engine.Engine);
                var closing = engine;
                engine = null;
                closing.Close();
                return true;
            }
            catch (Exception ex) when (attempt < 2 && fence?.Closed != true && IsDamage(ex))
            {
                // A closed fence refuses reads too, and a revoked write reads files others are changing: what LiteDB
                // makes of that says nothing about damage.
                DisposeQuietly(engine);
                engine = null;

                // The first failure gets a second look with a freshly opened engine; only a repeated one moves the file.
                if (attempt == 1)
                {
                    var recovery = MoveAside(ex);
                    if (reportDamage)
                    {
                        throw new UsageStoreDamagedException(recovery, ex);
                    }
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
        using (Acquire())
        {
            if (!File.Exists(DatabasePath))
            {
                return null;
            }

            bool damaged;
            OpenEngine? engine = null;
            try
            {
                engine = Open(fence: null);
                damaged = engine is not null && stillDamaged(engine.Engine);
            }
            catch (Exception ex) when (IsDamage(ex))
            {
                damaged = true;
            }
            finally
            {
                DisposeQuietly(engine);
            }

            if (!damaged)
            {
                return null;
            }

            return MoveAside(damage);
        }
    }

    /// <summary>Every hold of the lock ends with its unit of work, so nothing is held between calls; later calls throw.</summary>
    public void Dispose() => _disposed = true;

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

    private static void DisposeQuietly(OpenEngine? engine)
    {
        try
        {
            engine?.Close();
        }
        catch (Exception)
        {
            // Closing after a failure: the failure itself is what gets reported.
        }
    }

    /// <summary>
    /// Takes the lock (creating the owner-only data folder first). A holder that died (crash, SIGKILL) released it with
    /// its process; LiteDB's log recovery handles a half-written transaction.
    /// </summary>
    private IDisposable Acquire()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder) && (!_tightened || !Directory.Exists(folder)))
        {
            OwnerOnlyFile.EnsureDirectory(folder);
            OwnerOnlyFile.RestrictToOwner(folder);
        }

        return _lock.TryAcquire(_lockTimeout) ?? throw new UsageStoreBusyException(DatabasePath, _lockTimeout);
    }

    private void CheckFreeSpace(long bytesToWrite)
    {
        var folder = Path.GetDirectoryName(DatabasePath);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            return;
        }

        long free;
        try
        {
            free = new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Unknown (an unusual mount): let LiteDB try.
            return;
        }

        if (free < bytesToWrite)
        {
            throw new IOException(
                $"No space left to write to the usage database '{DatabasePath}': {free} bytes free, about {bytesToWrite} needed. "
                + "Nothing was written; the events are kept and written once space is freed.");
        }
    }

    /// <summary>
    /// Opens the file, creating or migrating it; null when a long migration used up this hold's slice. With a fence,
    /// LiteDB gets the files as fenced streams (see <see cref="UsageWriteFence"/>) instead of opening them itself.
    /// </summary>
    private OpenEngine? Open(UsageWriteFence? fence)
    {
        CheckHeader();
        var created = !File.Exists(DatabasePath);
        var engine = fence is null ? new OpenEngine(DatabasePath) : new OpenEngine(DatabasePath, LogPath, fence);
        try
        {
            if (created || !_tightened)
            {
                // LiteDB creates its files with the default mode; the folder already keeps others out, the files too.
                OwnerOnlyFile.RestrictToOwner(DatabasePath);
                OwnerOnlyFile.RestrictToOwner(LogPath);
                _tightened = true;
            }

            if (UsageSchema.Upgrade(engine.Engine, DatabasePath, Environment.TickCount64 + (long)_migrationSlice.TotalMilliseconds))
            {
                return engine;
            }

            engine.Close();
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

    private UsageStoreRecovery MoveAside(Exception damage)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var target = DatabasePath + ".damaged-" + stamp;
        for (var n = 1; File.Exists(target); n++)
        {
            target = DatabasePath + ".damaged-" + stamp + "-" + n;
        }

        File.Move(DatabasePath, target);
        string? movedLog = null;
        if (File.Exists(LogPath))
        {
            movedLog = target + "-log";
            File.Move(LogPath, movedLog);
        }

        var recovery = new UsageStoreRecovery(DatabasePath, target, DateTime.UtcNow, damage.GetType().Name + ": " + damage.Message);
        LastRecovery = recovery;
        new Thread(() => Salvage(recovery, movedLog)) { IsBackground = true, Name = "Tokentap usage salvage" }.Start();
        try
        {
            Recovered?.Invoke(recovery);
        }
        catch (Exception)
        {
            // A listener's failure must not undo the recovery; LastRecovery still tells the story.
        }

        return recovery;
    }

    /// <summary>
    /// Copies every readable event of a file set aside into the fresh store (on its own thread, in transactions of a
    /// thousand under the lock like any writer) and reports how many were saved and how many could not be read. The
    /// events keep their ids, so a second salvage of the same file adds nothing; they get new positions.
    /// </summary>
    private void Salvage(UsageStoreRecovery recovery, string? movedLog)
    {
        long saved = 0, counted = 0;
        string? error = null;
        try
        {
            var events = new List<StoredEvent>();
            foreach (var found in UsagePageReader.ReadDocuments(recovery.MovedTo, movedLog))
            {
                var document = found.Document;
                if (document.ContainsKey(UsageRollupDocument.Hour))
                {
                    counted += UsageRollupDocument.FromDocument(document).Totals.Requests;
                }
                else if (document.ContainsKey(UsageChunkDocument.Hour) && document.ContainsKey(UsageChunkDocument.Data))
                {
                    try
                    {
                        UsageChunkDocument.ReadEvents(document, events);
                    }
                    catch (UsageChunkException)
                    {
                        // A chunk whose bytes were damaged: its events are among the lost.
                    }
                }
            }

            foreach (var batch in events.Select(e => e.Event).Chunk(1000))
            {
                if (_disposed)
                {
                    error = "the store was closed";
                    break;
                }

                saved += Execute(engine => UsageWriter.Insert(engine, batch)).Inserted;
            }
        }
        catch (Exception ex)
        {
            // Nothing may escape this thread; the report says where it stopped.
            error = ex.Message;
        }

        var salvage = new UsageStoreSalvage(DatabasePath, recovery.MovedTo, DateTime.UtcNow, saved, Math.Max(0, counted - saved), error);
        LastSalvage = salvage;
        try
        {
            Salvaged?.Invoke(salvage);
        }
        catch (Exception)
        {
            // A listener's failure changes nothing; LastSalvage still tells the story.
        }
    }

    /// <summary>An open engine with the streams it was given (none when LiteDB opened the files itself).</summary>
    private sealed class OpenEngine
    {
        private readonly Stream[] _streams = [];
        private readonly UsageWriteFence? _fence;
        private readonly string? _logPath;

        public OpenEngine(string databasePath) => Engine = new LiteEngine(new EngineSettings { Filename = databasePath });

        public OpenEngine(string databasePath, string logPath, UsageWriteFence fence)
        {
            _fence = fence;
            _logPath = logPath;
            var data = new UsageFencedStream(databasePath, fence);
            UsageFencedStream? log = null;
            try
            {
                log = new UsageFencedStream(logPath, fence);
                _streams = [data, log];
                Engine = new LiteEngine(new EngineSettings
                {
                    DataStream = fence.WrapStream?.Invoke(data) ?? data,
                    LogStream = fence.WrapStream?.Invoke(log) ?? log,
                });
            }
            catch
            {
                data.Dispose();
                log?.Dispose();
                throw;
            }
        }

        public LiteEngine Engine { get; }

        /// <summary>
        /// Closes the engine first (its checkpoint writes through the streams), then the streams, which LiteDB leaves
        /// open when it was given them, and the empty log file it leaves behind then (only while the lock is held).
        /// </summary>
        public void Close()
        {
            try
            {
                LiteDbFinalizerGuard.Protect(Engine);
                Engine.Dispose();
            }
            finally
            {
                foreach (var stream in _streams)
                {
                    stream.Dispose();
                }

                _fence?.Run(() =>
                {
                    var log = new FileInfo(_logPath!);
                    if (log.Exists && log.Length == 0)
                    {
                        log.Delete();
                    }
                });
            }
        }
    }
}
