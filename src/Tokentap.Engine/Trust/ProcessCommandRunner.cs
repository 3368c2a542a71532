// Runs system commands for real (no shell), for the trust-store changes.
using System.Diagnostics;

namespace Tokentap.Engine.Trust;

/// <summary>Runs commands for real, without a shell.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    public CommandResult Run(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new TrustStoreException($"Could not start {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CommandResult(process.ExitCode, (stdout + stderr.GetAwaiter().GetResult()).Trim());
    }
}
