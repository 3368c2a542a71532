// The result of counting tokens in a piece of text (Measure-TokenCount).
namespace Tokentap;

/// <summary>How many tokens a text has in one encoding.</summary>
public sealed record TokenCount(string Encoding, long Tokens, long Characters, string? Source);
