// The shape of a mock upstream route handler.
namespace Tokentap.Testing;

/// <summary>Answers one request; may stream by writing and flushing through the context.</summary>
public delegate Task MockHandler(MockContext context);
