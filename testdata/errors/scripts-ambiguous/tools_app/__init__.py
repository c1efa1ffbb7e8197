def serve(): pass
