i.{column} IS DISTINCT FROM t.{column}
