// The exit code and combined output of a finished system command.
namespace Tokentap.Engine.Trust;

/// <summary>What a finished command returned.</summary>
public sealed record CommandResult(int ExitCode, string Output);
