// The real openai, @anthropic-ai/sdk and @anthropic-ai/claude-code npm packages, installed into tests/node on first use
// (npm ci, lock file pinned).
using System.Text.Json;

namespace Tokentap.PowerShell.Tests;

public static class NodeClients
{
    private static readonly object Gate = new();
    private static string? s_directory;

    /// <summary>tests/node with its node_modules installed.</summary>
    public static string Directory(string repoRoot)
    {
        lock (Gate)
        {
            if (s_directory is not null)
            {
                return s_directory;
            }

            var directory = Path.Combine(repoRoot, "tests", "node");
            if (!System.IO.Directory.Exists(Path.Combine(directory, "node_modules", "openai")) ||
                !System.IO.Directory.Exists(Path.Combine(directory, "node_modules", "@anthropic-ai", "sdk")) ||
                !File.Exists(Path.Combine(directory, "node_modules", ".bin", "claude")) ||
                !System.IO.Directory.Exists(Path.Combine(directory, "node_modules", "playwright-core")))
            {
                var install = ChildProcess.Run("npm", new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }, workingDirectory: directory, timeoutSeconds: 300);
                if (install.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci in {directory} failed ({install.ExitCode}): {install.Stderr}");
                }
            }

            s_directory = directory;
            return directory;
        }
    }

    /// <summary>Runs client.mjs and returns what the SDK itself reported (its JSON line).</summary>
    public static JsonElement Run(string repoRoot, string provider, string mode, string shape, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var directory = Directory(repoRoot);
        var result = ChildProcess.Run("node", new[] { "client.mjs", provider, mode, shape }, environment, directory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"node client.mjs {provider} {mode} {shape} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
        }

        return JsonDocument.Parse(result.Stdout.Trim()).RootElement.Clone();
    }
}
