FROM python:3.11.9-slim
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt
