// Runs system commands for trust-store changes; a seam so tests can see what would run.
namespace Tokentap.Engine.Trust;

/// <summary>Runs a program to completion and returns its exit code and combined output.</summary>
public interface ICommandRunner
{
    CommandResult Run(string fileName, IReadOnlyList<string> arguments);
}
