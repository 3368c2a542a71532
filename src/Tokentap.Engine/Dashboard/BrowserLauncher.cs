// Opens an address in the user's default browser: start on Windows, open on macOS, xdg-open in a Linux desktop session.
using System.Diagnostics;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// The operating system's own way to open a URL. On Linux without a desktop session (no DISPLAY or WAYLAND_DISPLAY:
/// SSH, a container, CI) or without xdg-open there is nothing to open it with; <see cref="Open"/> then says why, and
/// the caller prints the address instead.
/// </summary>
internal static class BrowserLauncher
{
    /// <summary>Starts the browser; returns null when the opener started, else why the address could not be opened.</summary>
    public static string? Open(string url)
    {
        var (start, reason) = Plan(url, OSPlatform(), Environment.GetEnvironmentVariable, FindOnPath);
        if (start is null)
        {
            return reason;
        }

        try
        {
            using var process = Process.Start(start);
            return process is null && !start.UseShellExecute ? $"{start.FileName} did not start." : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return $"{start.FileName} failed: {ex.Message}";
        }
    }

    /// <summary>How the address would be opened on a platform ("windows", "macos", "linux"), or why it cannot be.</summary>
    public static (ProcessStartInfo? Start, string? Reason) Plan(string url, string platform, Func<string, string?> environment, Func<string, string?> findOnPath)
    {
        switch (platform)
        {
            case "windows":
                // The shell opens the URL with the default browser (as "start" does), without cmd's quoting of & in it.
                return (new ProcessStartInfo(url) { UseShellExecute = true }, null);
            case "macos":
                return (Detached("open", url), null);
        }

        if (string.IsNullOrEmpty(environment("DISPLAY")) && string.IsNullOrEmpty(environment("WAYLAND_DISPLAY")))
        {
            return (null, "There is no graphical session here (DISPLAY and WAYLAND_DISPLAY are not set).");
        }

        return findOnPath("xdg-open") is { } opener
            ? (Detached(opener, url), null)
            : (null, "xdg-open is not installed, so the default browser cannot be found.");
    }

    private static ProcessStartInfo Detached(string fileName, string url)
    {
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false, RedirectStandardInput = false };
        start.ArgumentList.Add(url);
        return start;
    }

    private static string OSPlatform() =>
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "linux";

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
