// The cross-process lock of a usage database: an OS lock on a file in the owner-only data folder.

namespace Tokentap.Engine.Usage;

/// <summary>
/// Opening "usage.db.lock" with FileShare.None takes an exclusive OS lock on it (flock on Unix, a share mode on
/// Windows) that no other handle, in this process or another, can take at the same time, and that the OS drops when
/// the holder's process dies. The file lives in the data folder and is created 0600 (the folder is 0700), so only the
/// owner can open it at all: another local user can neither take the lock nor hold up the owner's processes. Unlike a
/// mutex, the lock is not tied to a thread; waiting polls with a short, growing pause and a deadline.
/// </summary>
internal sealed class UsageFileLock
{
    // How .NET reports a lock held elsewhere: on Windows ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION in the
    // HResult; on Unix flock's EWOULDBLOCK errno as the HResult itself (11 on Linux, 35 on macOS and the BSDs).
    private const int SharingViolation = 32;
    private const int LockViolation = 33;
    private const int LinuxWouldBlock = 11;
    private const int BsdWouldBlock = 35;
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(5);

    public UsageFileLock(string databasePath)
    {
        LockPath = databasePath + ".lock";
        WaitPath = databasePath + ".lock-wait";
    }

    /// <summary>The lock file.</summary>
    public string LockPath { get; }

    /// <summary>
    /// Waiters hold a shared lock on this second file while they poll. A holder that lets go and comes straight back
    /// (a writer with a backlog, a reader paging) sees them and steps aside for one poll interval, so waiting processes
    /// get their turn as they did with a mutex, instead of losing every race to a process that never stops asking.
    /// </summary>
    public string WaitPath { get; }

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="timeout"/>; null when another holder kept it that long. A lock file
    /// that cannot be opened for any other reason (permissions, a missing folder) throws.
    /// </summary>
    public IDisposable? TryAcquire(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        if (OthersWaiting())
        {
            Thread.Sleep(LongestPause * 2);
        }

        if (TryOpen(LockPath, FileShare.None) is { } first)
        {
            return first;
        }

        using var waiting = TryOpen(WaitPath, FileShare.ReadWrite);
        var pause = TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 4);
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return null;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(left, pause.TotalMilliseconds)));
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            if (TryOpen(LockPath, FileShare.None) is { } held)
            {
                return held;
            }
        }
    }

    /// <summary>True when another handle waits for the lock (holds the shared lock on the wait file).</summary>
    private bool OthersWaiting()
    {
        using var alone = TryOpen(WaitPath, FileShare.None);
        return alone is null;
    }

    /// <summary>Opens a lock file (FileShare.None: an exclusive lock, otherwise a shared one); null when held elsewhere.</summary>
    private static FileStream? TryOpen(string path, FileShare share)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = share == FileShare.None ? FileAccess.ReadWrite : FileAccess.Read,
            Share = share,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new FileStream(path, options);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            return null;
        }
    }

    private static bool IsHeldElsewhere(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is SharingViolation or LockViolation
        : ex.HResult == (OperatingSystem.IsLinux() ? LinuxWouldBlock : BsdWouldBlock);
}
