namespace Vigil.Storage.Schema;

/// <summary>One numbered step of the schema as one engine runs it. Steps run in order, each once, and are never edited once released.</summary>
/// <param name="Version">The schema version the step produces (1, 2, ...).</param>
/// <param name="Name">A short description, recorded in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements.</param>
internal abstract record Migration(int Version, string Name, string Sql);
